import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { increment } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AccessDeniedError, FencedError, InvalidPolicyError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createContextRecord, openContextRecord } from '../../src/record/context-record.ts'
import { decodeEnvelope, encodeEnvelope } from '../../src/record/envelope.ts'
import type { RecordEnvelope } from '../../src/record/envelope.ts'
import type { GenerationStamp } from '../../src/record/generation.ts'
import { mergeVersion } from '../../src/record/siblings.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

// Two voters, keys made before the policy that names them.
const voterKeys = [(await generateSigningKey()).key, (await generateSigningKey()).key, (await generateSigningKey()).key]
const network = await createTestNetwork({ generation: { leaderRole: 'project_manager', voters: voterKeys.map(key => toBase64url(key.publicKey)) } })
const context = { rootPublicKey: network.root.publicKey, policy: network.policy }
const address = 'ucxl://demo/src/server.ts'
const key = await dhtKey(address)

async function voter (net: TestNetwork, signer: SigningKey, roles = ['project_manager']) {
  const certificate = await issueCertificate(net.root, { member: signer.publicKey, roles, notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
  return { signer, certificate }
}
const leaderA = await voter(network, voterKeys[0] as SigningKey)
const leaderB = await voter(network, voterKeys[1] as SigningKey)

async function generated (leader: { signer: SigningKey, certificate: Awaited<ReturnType<typeof voter>>['certificate'] }, stamp: GenerationStamp, options: { role?: string, policy?: typeof network.policy, type?: 'context' | 'decision' } = {}) {
  return await createContextRecord({
    policy: options.policy ?? network.policy,
    author: { ...leader, role: options.role ?? 'project_manager' },
    address,
    contentType: options.type ?? 'context',
    draft: { summary: 'An HTTP server', tags: ['generated'] },
    generation: stamp
  })
}

describe('generated records (format version 2)', () => {
  it('round-trip their stamp, and a plain record stays format version 1', async () => {
    const record = await generated(leaderA, { forRole: 'backend_developer', term: 7, requestId: 'req-1' })
    const decoded = decodeEnvelope(record.bytes)
    expect(decoded.formatVersion).toBe(2)
    expect(decoded.generation).toEqual({ forRole: 'backend_developer', term: 7, requestId: 'req-1' })
    expect(encodeEnvelope(decoded)).toEqual(record.bytes)
    const member = await createTestMember(network, ['backend_developer'])
    const plain = await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address, draft: { summary: 'x' } })
    expect(decodeEnvelope(plain.bytes).formatVersion).toBe(1)
    expect(decodeEnvelope(plain.bytes).generation).toBeUndefined()
  })

  it('any stamp round-trips, and changing a stamp byte breaks the signature', async () => {
    await fc.assert(fc.asyncProperty(
      fc.record({ forRole: fc.constantFrom('backend_developer', 'observer', 'qa_engineer'), term: fc.integer({ min: 1, max: 2 ** 40 }), requestId: fc.string({ minLength: 1, maxLength: 64 }) }),
      async stamp => {
        const record = await generated(leaderA, stamp)
        expect(decodeEnvelope(record.bytes).generation).toEqual(stamp)
        await validateRecord(record.bytes, context, key)
        const tampered = Uint8Array.from(record.bytes)
        const at = tampered.indexOf(stamp.forRole.charCodeAt(0), 200)
        tampered[at] = (tampered[at] as number) ^ 1
        await expect(validateRecord(tampered, context, key)).rejects.toThrow()
      }
    ), { numRuns: 15, seed: 13 })
  })

  it('are read by the readers of the role they were generated for plus the leader role, and by nobody else', async () => {
    const record = await generated(leaderA, { forRole: 'devops_engineer', term: 1, requestId: 'r' })
    const envelope = await validateRecord(record.bytes, context, key)
    for (const role of ['devops_engineer', 'backend_developer', 'project_manager', 'senior_architect']) {
      expect((await openContextRecord(envelope, await network.keyring(role))).item.summary).toBe('An HTTP server')
    }
    for (const role of ['frontend_developer', 'qa_engineer', 'observer']) {
      await expect(openContextRecord(envelope, await network.keyring(role))).rejects.toThrow(AccessDeniedError)
    }
  })

  it('are refused unless a voter writes them as the leader role, for a role it may write for, as context', async () => {
    const stamp = { forRole: 'backend_developer', term: 1, requestId: 'r' }
    const outsider = await createTestMember(network, ['project_manager'])
    await expect(validateRecord((await generated(outsider, stamp)).bytes, context, key)).rejects.toThrow(/one of the policy's voters/)
    const architect = await voter(network, voterKeys[2] as SigningKey, ['senior_architect'])
    await expect(validateRecord((await generated(architect, stamp, { role: 'senior_architect' })).bytes, context, key)).rejects.toThrow(/leader role "project_manager"/)
    await expect(validateRecord((await generated(leaderA, { ...stamp, forRole: 'admin' })).bytes, context, key)).rejects.toThrow(/may not generate context for role "admin"/)
    await expect(validateRecord((await generated(leaderA, stamp, { type: 'decision' })).bytes, context)).rejects.toThrow(/generated record is context/)
    const withoutLeader = await createTestNetwork()
    const record = await generated(await voter(withoutLeader, voterKeys[0] as SigningKey), stamp, { policy: withoutLeader.policy })
    await expect(validateRecord(record.bytes, { rootPublicKey: withoutLeader.root.publicKey, policy: withoutLeader.policy }, key)).rejects.toThrow(/names no generation leader/)
  })

  it('a policy naming a leader role it lacks, or an even number of voters, is refused', async () => {
    const { key: root } = await generateSigningKey()
    const roles = Object.values(network.policy.roles)
    const voters = voterKeys.map(k => toBase64url(k.publicKey))
    await expect(signPolicy(root, { roles, generation: { leaderRole: 'nobody', voters } })).rejects.toThrow(InvalidPolicyError)
    await expect(signPolicy(root, { roles, generation: { leaderRole: 'project_manager', voters: voters.slice(0, 2) } })).rejects.toThrow(/1, 3, 5 distinct/)
  })
})

describe('fencing: a deposed leader never overwrites the current leader\'s result', () => {
  async function versions (): Promise<{ old: RecordEnvelope, current: RecordEnvelope }> {
    const old = (await generated(leaderA, { forRole: 'backend_developer', term: 3, requestId: 'req-9' })).envelope
    const current = (await generated(leaderB, { forRole: 'backend_developer', term: 4, requestId: 'req-9' })).envelope
    return { old, current }
  }

  it('a lower term for the same request is refused after the higher, and displaced before it: the same set either way', async () => {
    const { old, current } = await versions()
    const late = mergeVersion([current], old)
    expect(late).toMatchObject({ outcome: 'stale', dropped: 'fenced' })
    const early = mergeVersion([old], current)
    expect(early.outcome).toBe('replaced')
    expect(early.siblings).toEqual([current])
    expect(early.displaced).toEqual([old])
  })

  it('a relay answers the deposed leader with FencedError and keeps the current result', async () => {
    const store = createMemoryStore()
    await store.open()
    const keeper = new RecordKeeper({ store, validation: () => context })
    const current = await generated(leaderB, { forRole: 'backend_developer', term: 4, requestId: 'req-9' })
    await keeper.put(key, current.bytes)
    const old = await generated(leaderA, { forRole: 'backend_developer', term: 3, requestId: 'req-9' })
    await expect(keeper.put(key, old.bytes)).rejects.toThrow(FencedError)
    const held = (await keeper.get(key)).map(decodeEnvelope)
    expect(held.map(v => v.generation?.term)).toEqual([4])
  })

  it('results of other requests, and hand-written versions, are ordered by their clocks as ever', async () => {
    const first = (await generated(leaderA, { forRole: 'backend_developer', term: 3, requestId: 'req-1' })).envelope
    const other = (await generated(leaderB, { forRole: 'backend_developer', term: 2, requestId: 'req-2' })).envelope
    expect(mergeVersion([first], other).outcome).toBe('sibling')
    const member = await createTestMember(network, ['backend_developer'])
    const edit = (await createContextRecord({
      policy: network.policy,
      author: member.author('backend_developer'),
      address,
      draft: { summary: 'edited by hand' },
      previous: { clock: increment(first.clock, toBase64url(leaderA.signer.publicKey)) }
    })).envelope
    expect(mergeVersion([first], edit).outcome).toBe('replaced')
  })
})
