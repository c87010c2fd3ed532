import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidInviteError, InvalidKeyError } from '../../src/errors.ts'
import { formatInvite, inviteToFragment, openInvite, parseInvite, withIdentity, withoutRole } from '../../src/invite/invite.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
const invite = await createTestInvite(network, ['backend_developer', 'observer'], ['/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWGiZzNMozQkK7dTj62JQvVqMPZymBM1i5mAZeCUuhKsp2'], 'Alice')

describe('invites', () => {
  it('round-trip through their JSON and their URL-fragment form, and open to a working membership', async () => {
    expect(parseInvite(formatInvite(invite))).toEqual(invite)
    const fragment = inviteToFragment(invite)
    expect(fragment).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(parseInvite(fragment)).toEqual(invite)
    const opened = await openInvite(parseInvite(fragment))
    expect(opened.policy.version).toBe(network.policy.version)
    expect([...opened.member.certificate.roles]).toEqual(['backend_developer', 'observer'])
    expect(opened.keyring.roles()).toEqual(['backend_developer', 'observer'])
    expect(opened.bootstrap).toEqual(invite.bootstrap)
  })

  it('refuses an invite whose policy another root signed', async () => {
    const other = await createTestNetwork()
    await expect(openInvite({ ...invite, network: toBase64url(other.root.publicKey) })).rejects.toThrow(InvalidInviteError)
  })

  it('refuses a member key that is not the certified one', async () => {
    const { seed } = await generateSigningKey()
    await expect(openInvite({ ...invite, member: { ...invite.member, key: toBase64url(seed) } })).rejects.toThrow(/certificate names/)
  })

  it('refuses an expired certificate and keys for roles the policy lacks', async () => {
    await expect(openInvite(invite, Date.now() + 2 * 86_400_000)).rejects.toThrow(InvalidInviteError)
    await expect(openInvite({ ...invite, roles: { ...invite.roles, intruder: invite.roles.observer ?? [] } })).rejects.toThrow(/does not define/)
  })

  it('adds (newest first, no duplicates) and removes role keys', async () => {
    const pair = await generateRoleKey()
    const added = await withIdentity(invite, 'observer', pair.identity)
    expect(added.roles.observer?.[0]).toBe(pair.identity)
    expect(await withIdentity(added, 'observer', pair.identity)).toBe(added)
    await expect(withIdentity(invite, 'observer', 'AGE-SECRET-KEY-1NOTAKEY')).rejects.toThrow(InvalidKeyError)
    expect(Object.keys(withoutRole(added, 'observer').roles)).toEqual(['backend_developer'])
  })

  it('parses any text into an invite or an InvalidInviteError, nothing else (fuzz)', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.base64String(), fc.json()), text => {
      try {
        parseInvite(text)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidInviteError)
      }
    }), { numRuns: 500 })
  })

  it('rejects every field mutated to a wrong type with a named error (property)', async () => {
    const fields = ['format', 'network', 'policy', 'member', 'roles', 'bootstrap', 'label'] as const
    await fc.assert(fc.asyncProperty(fc.constantFrom(...fields), fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.integer(), { minLength: 1 }), fc.constant({ x: 1 })), async (field, value) => {
      const mutated = { ...JSON.parse(formatInvite(invite)), [field]: value }
      await expect((async () => await openInvite(parseInvite(JSON.stringify(mutated))))()).rejects.toThrow(InvalidInviteError)
    }), { numRuns: 100 })
  })
})
