import { describe, expect, it } from 'vitest'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { MemberRevokedError } from '../../src/errors.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

describe('revocation in validation', () => {
  it('refuses a revoked member\'s first-hand writes at any signed time, and replicas it signed from the revocation on', async () => {
    const network = await createTestNetwork()
    const member = await createTestMember(network, ['backend_developer'])
    const revokedAt = Date.now()
    const write = async (at: number): Promise<Uint8Array> => (await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address: 'ucxl://r:backend_developer@p:t/x', draft: { summary: 'x' }, now: at })).bytes
    const before = await write(revokedAt - 60_000)
    const after = await write(revokedAt + 1)
    const admin = new TestKeyAdmin(network)
    const signed = await admin.rotate(['backend_developer'], { member: toBase64url(member.signer.publicKey), at: revokedAt })
    const context = { rootPublicKey: network.root.publicKey, policy: signed.policy }

    // Written before: still a valid replica (it replicates, readers accept it).
    await expect(validateRecord(before, context, undefined, { origin: 'replica' })).resolves.toBeDefined()
    // Signed at or after the revocation: refused everywhere.
    await expect(validateRecord(after, context, undefined, { origin: 'replica' })).rejects.toThrow(MemberRevokedError)
    // A first-hand write is refused whatever time it claims (it could backdate).
    await expect(validateRecord(before, context, undefined, { origin: 'member' })).rejects.toThrow(MemberRevokedError)
    // Under the policy before the revocation, both were fine.
    await expect(validateRecord(after, { rootPublicKey: network.root.publicKey, policy: network.policy }, undefined, { origin: 'replica' })).resolves.toBeDefined()
  })
})
