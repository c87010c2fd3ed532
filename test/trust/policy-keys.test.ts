import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidPolicyError } from '../../src/errors.ts'
import { parsePolicy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { createTestNetwork } from '../helpers/network.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'

const network = await createTestNetwork()
const admin = new TestKeyAdmin(network)
const member = toBase64url((await generateSigningKey()).key.publicKey)
const revoked = toBase64url((await generateSigningKey()).key.publicKey)
admin.register(member, ['backend_developer'])
const full = (await admin.rotate(['backend_developer'], { member: revoked })).policy

describe('policy key fields', () => {
  it('a policy with reader keys, revocations and bundles parses to itself', () => {
    expect(full.readerKeys?.length).toBeGreaterThan(0)
    expect(full.revoked).toHaveLength(1)
    expect(Object.keys(full.memberKeys ?? {})).toEqual([member])
    expect(parsePolicy(JSON.parse(JSON.stringify(full)))).toEqual(full)
  })

  it('any value in a key field is either parsed or refused with InvalidPolicyError, never anything else', () => {
    const field = fc.constantFrom('readerKeys', 'revoked', 'memberKeys')
    const mutation = fc.oneof(
      fc.anything(),
      fc.array(fc.record({ roles: fc.anything(), epoch: fc.anything(), recipient: fc.anything(), sealed: fc.anything() }, { requiredKeys: [] })),
      fc.array(fc.record({ member: fc.oneof(fc.string(), fc.constant(revoked)), at: fc.oneof(fc.integer(), fc.double()), reason: fc.anything() }, { requiredKeys: [] })),
      fc.dictionary(fc.string(), fc.string())
    )
    fc.assert(fc.property(field, mutation, (name, value) => {
      try {
        parsePolicy({ ...JSON.parse(JSON.stringify(full)), [name]: value })
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidPolicyError)
      }
    }), { numRuns: 500 })
  })

  it('refuses two keys for one reader set, unsorted sets, a member revoked twice', () => {
    const copy = JSON.parse(JSON.stringify(full))
    expect(() => parsePolicy({ ...copy, readerKeys: [copy.readerKeys[0], copy.readerKeys[0]] })).toThrow(/two keys for the reader set/)
    expect(() => parsePolicy({ ...copy, readerKeys: [{ ...copy.readerKeys[0], roles: [...copy.readerKeys[0].roles].reverse() }] })).toThrow(/sorted and unique/)
    expect(() => parsePolicy({ ...copy, revoked: [copy.revoked[0], copy.revoked[0]] })).toThrow(/twice/)
  })
})
