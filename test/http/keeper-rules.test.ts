import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { increment, merge } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { ClockRuleError, ExpiredCertificateError, ReplaceNotAllowedError, SiblingLimitError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { PutOptions } from '../../src/keeper/record-keeper.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { sealRecord } from '../../src/record/seal.ts'
import type { SealedRecord } from '../../src/record/seal.ts'
import { MAX_SIBLING_SET_BYTES, decodeSiblings, encodeSiblings } from '../../src/record/siblings.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import type { TestMember } from '../helpers/network.ts'

// The rules a relay applies to an incoming record against what it holds for
// that key (issue 10 findings 3, 4, 5 and 6), on a keeper with real records.
const network = await createTestNetwork()
const DAY = 86_400_000

async function keeperAt (now?: () => number): Promise<RecordKeeper> {
  const store = createMemoryStore()
  await store.open()
  return new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy, ...(now === undefined ? {} : { now }) }) })
}

const id = (member: TestMember): string => toBase64url(member.signer.publicKey)

interface Write { member: TestMember, role: string, clock: VectorClock, type?: string, size?: number, updated?: number }

/** A signed record with exactly the clock given: what a hostile member can send. */
async function sealed (key: string, write: Write): Promise<SealedRecord> {
  const updated = write.updated ?? Date.now()
  return await sealRecord({
    key,
    clock: write.clock,
    signer: write.member.signer,
    certificate: write.member.certificate,
    role: write.role,
    contentType: write.type ?? 'context',
    created: updated,
    updated,
    ciphertext: randomBytes(write.size ?? 64)
  })
}

async function put (keeper: RecordKeeper, key: string, write: Write, options: PutOptions = {}) {
  return await keeper.put(key, (await sealed(key, write)).bytes, options)
}

describe('clock rules at first acceptance (issue 10 finding 6)', () => {
  // Today a member could write {victim: 2^53-1, me: 1} on top of the victim's
  // record, and the victim could never write that address again.
  it('refuses a clock that runs another actor past what it signed, and the victim can still write', async () => {
    const keeper = await keeperAt()
    const victim = await createTestMember(network, ['backend_developer'])
    const mallory = await createTestMember(network, ['backend_developer'])
    const key = await dhtKey('ucxl://project123/clock/poison')
    const mine = increment({}, id(victim))
    await put(keeper, key, { member: victim, role: 'backend_developer', clock: mine })
    const poison = { [id(victim)]: Number.MAX_SAFE_INTEGER, [id(mallory)]: 1 }
    await expect(put(keeper, key, { member: mallory, role: 'backend_developer', clock: poison })).rejects.toThrow(ClockRuleError)
    await expect(put(keeper, key, { member: mallory, role: 'backend_developer', clock: { ...mine, [id(mallory)]: 1, [id(await createTestMember(network, ['observer']))]: 3 } })).rejects.toThrow(ClockRuleError)
    expect((await put(keeper, key, { member: victim, role: 'backend_developer', clock: increment(mine, id(victim)) })).outcome).toBe('replaced')
    // Written on top of what is held, an honest member's version is accepted.
    expect((await put(keeper, key, { member: mallory, role: 'backend_developer', clock: increment(increment(mine, id(victim)), id(mallory)) })).outcome).toBe('replaced')
  })

  it('lets an author run ahead of a relay that missed its writes, within a bound', async () => {
    const keeper = await keeperAt()
    const author = await createTestMember(network, ['backend_developer'])
    const key = await dhtKey('ucxl://project123/clock/ahead')
    expect((await put(keeper, key, { member: author, role: 'backend_developer', clock: { [id(author)]: 7 } })).outcome).toBe('stored')
    await expect(put(keeper, key, { member: author, role: 'backend_developer', clock: { [id(author)]: Number.MAX_SAFE_INTEGER } })).rejects.toThrow(ClockRuleError)
  })

  it('does not judge a replica by this relay\'s view: replicas of admitted versions converge', async () => {
    const keeper = await keeperAt()
    const a = await createTestMember(network, ['backend_developer'])
    const b = await createTestMember(network, ['backend_developer'])
    const key = await dhtKey('ucxl://project123/clock/replica')
    // This relay never saw a's version, which another relay admitted; b wrote on top of it there.
    expect((await put(keeper, key, { member: b, role: 'backend_developer', clock: { [id(a)]: 1, [id(b)]: 1 } }, { origin: 'replica' })).outcome).toBe('stored')
  })
})

describe('sibling bounds (issue 10 finding 3)', () => {
  // Today ten concurrent ~1 MB siblings with made-up actors pushed the set
  // past the 8 MiB frame: reads, writes and replication of the address failed.
  it('refuses made-up actors, keeps one open sibling per author, bounds the set by bytes, and the address stays usable', async () => {
    const keeper = await keeperAt()
    const honest = await createTestMember(network, ['backend_developer'])
    const key = await dhtKey('ucxl://project123/siblings/flood')
    const base = increment({}, id(honest))
    await put(keeper, key, { member: honest, role: 'backend_developer', clock: base })
    const size = 1_000_000
    const mallory = await createTestMember(network, ['backend_developer'])
    for (let i = 0; i < 10; i++) {
      const madeUp = toBase64url(crypto.getRandomValues(new Uint8Array(32)))
      await expect(put(keeper, key, { member: mallory, role: 'backend_developer', clock: { [madeUp]: 1, [id(mallory)]: 1 }, size })).rejects.toThrow(ClockRuleError)
    }
    // One author's concurrent versions: one open sibling, the one that wins the order.
    const first = await put(keeper, key, { member: mallory, role: 'backend_developer', clock: { [id(mallory)]: 2 }, size, updated: Date.now() - 1000 })
    expect(first.outcome).toBe('sibling')
    await expect(put(keeper, key, { member: mallory, role: 'backend_developer', clock: { [id(mallory)]: 1, [id(honest)]: 1 }, size, updated: Date.now() - 5000 })).rejects.toThrow(SiblingLimitError)
    expect((await keeper.get(key)).length).toBe(2)
    // Ten colluding members, each a concurrent ~1 MB version: bounded by bytes.
    for (let i = 0; i < 10; i++) {
      const member = await createTestMember(network, ['backend_developer'])
      await put(keeper, key, { member, role: 'backend_developer', clock: { [id(member)]: 1 }, size, updated: Date.now() - 10_000 }).catch(error => {
        expect(error).toBeInstanceOf(SiblingLimitError)
      })
    }
    const held = await keeper.get(key)
    expect(held.reduce((sum, record) => sum + record.length, 0)).toBeLessThanOrEqual(MAX_SIBLING_SET_BYTES)
    // Still writable by others: a version written on top of what is held replaces it all.
    const top = increment(held.map(bytes => decodeEnvelope(bytes).clock).reduce(merge, {}), id(honest))
    expect((await put(keeper, key, { member: honest, role: 'backend_developer', clock: top })).outcome).toBe('replaced')
    expect((await keeper.get(key)).length).toBe(1)
  }, 60_000)
})

describe('sibling sets stored before the bounds (issue 10 finding 3)', () => {
  it('are served within the bounds, and stored bounded by the next write', async () => {
    const store = createMemoryStore()
    await store.open()
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    const key = await dhtKey('ucxl://project123/siblings/legacy')
    const versions = []
    for (let i = 0; i < 10; i++) {
      const member = await createTestMember(network, ['backend_developer'])
      versions.push((await sealed(key, { member, role: 'backend_developer', clock: increment({}, id(member)), size: 1_000_000 })).envelope)
    }
    await store.put(`records/${key}`, encodeSiblings(versions))
    const served = await keeper.get(key)
    expect(served.length).toBeLessThan(10)
    expect(served.reduce((sum, record) => sum + record.length, 0)).toBeLessThanOrEqual(MAX_SIBLING_SET_BYTES)
    const writer = await createTestMember(network, ['backend_developer'])
    await put(keeper, key, { member: writer, role: 'backend_developer', clock: increment({}, id(writer)) })
    expect(decodeSiblings(await store.get(`records/${key}`) as Uint8Array).reduce((sum, v) => sum + v.ciphertext.length, 0)).toBeLessThanOrEqual(MAX_SIBLING_SET_BYTES)
  }, 60_000)
})

describe('per-address authority (issue 10 finding 4)', () => {
  it('a qa suggestion cannot stand on top of a file\'s context, even with an advanced clock', async () => {
    const keeper = await keeperAt()
    const backend = await createTestMember(network, ['backend_developer'])
    const qa = await createTestMember(network, ['qa_engineer'])
    const key = await dhtKey('ucxl://project123/src/api.ts')
    const context = increment({}, id(backend))
    await put(keeper, key, { member: backend, role: 'backend_developer', clock: context })
    await expect(put(keeper, key, { member: qa, role: 'qa_engineer', type: 'suggestion', clock: increment(context, id(qa)) })).rejects.toThrow(ReplaceNotAllowedError)
    await expect(put(keeper, key, { member: qa, role: 'qa_engineer', type: 'suggestion', clock: increment({}, id(qa)) })).rejects.toThrow(ReplaceNotAllowedError)
    expect((await keeper.get(key)).length).toBe(1)
  })

  it('a frontend developer cannot replace backend context (backend\'s readers would lose it); backend can', async () => {
    const keeper = await keeperAt()
    const backend = await createTestMember(network, ['backend_developer'])
    const frontend = await createTestMember(network, ['frontend_developer'])
    const key = await dhtKey('ucxl://project123/backend/context')
    const context = increment({}, id(backend))
    await put(keeper, key, { member: backend, role: 'backend_developer', clock: context })
    await expect(put(keeper, key, { member: frontend, role: 'frontend_developer', clock: increment(context, id(frontend)) })).rejects.toThrow(ReplaceNotAllowedError)
    await expect(put(keeper, key, { member: frontend, role: 'frontend_developer', clock: increment({}, id(frontend)) })).rejects.toThrow(ReplaceNotAllowedError)
    expect((await put(keeper, key, { member: backend, role: 'backend_developer', clock: increment(context, id(backend)) })).outcome).toBe('replaced')
  })

  it('a senior architect\'s decision cannot be replaced by a qa suggestion; a decision role\'s decision may supersede it', async () => {
    const keeper = await keeperAt()
    const architect = await createTestMember(network, ['senior_architect'])
    const qa = await createTestMember(network, ['qa_engineer'])
    const key = await dhtKey('ucxl://project123/decisions/storage')
    const decision = increment({}, id(architect))
    await put(keeper, key, { member: architect, role: 'senior_architect', type: 'decision', clock: decision })
    await expect(put(keeper, key, { member: qa, role: 'qa_engineer', type: 'suggestion', clock: increment(decision, id(qa)) })).rejects.toThrow(ReplaceNotAllowedError)
    const manager = await createTestMember(network, ['project_manager'])
    // Same authority, same readers: a project manager's decision may supersede it.
    expect((await put(keeper, key, { member: manager, role: 'project_manager', type: 'decision', clock: increment(decision, id(manager)) })).outcome).toBe('replaced')
  })

  it('suggestions from different authors and roles stand side by side at a suggestion key', async () => {
    const keeper = await keeperAt()
    const backend = await createTestMember(network, ['backend_developer'])
    const qa = await createTestMember(network, ['qa_engineer'])
    const key = await dhtKey('ucxl://project123/suggestions-side-by-side')
    await put(keeper, key, { member: backend, role: 'backend_developer', type: 'suggestion', clock: increment({}, id(backend)) })
    expect((await put(keeper, key, { member: qa, role: 'qa_engineer', type: 'suggestion', clock: increment({}, id(qa)) })).outcome).toBe('sibling')
    // But a lower authority cannot replace another's suggestion by writing on top of it.
    await expect(put(keeper, key, { member: qa, role: 'qa_engineer', type: 'suggestion', clock: { [id(backend)]: 1, [id(qa)]: 2 } })).rejects.toThrow(ReplaceNotAllowedError)
    expect((await keeper.get(key)).length).toBe(2)
  })
})

describe('certificates judged at the record\'s signed time (issue 10 finding 5)', () => {
  // Today every record read as invalid once its author's certificate expired,
  // on reads and on replication.
  it('a record signed while its certificate was valid replicates after expiry; a new write by the expired member is refused', async () => {
    const issued = Date.now()
    const member = await createTestMember(network, ['backend_developer'], { notBefore: issued - 60_000, notAfter: issued + DAY })
    const key = await dhtKey('ucxl://project123/expiry/history')
    const record = await sealed(key, { member, role: 'backend_developer', clock: increment({}, id(member)), updated: issued })
    const later = await keeperAt(() => issued + 30 * DAY)
    expect((await later.put(key, record.bytes, { origin: 'replica' })).outcome).toBe('stored')
    // A first acceptance now: the certificate has expired, whatever time the record claims.
    const other = await dhtKey('ucxl://project123/expiry/backdated')
    await expect(later.put(other, (await sealed(other, { member, role: 'backend_developer', clock: increment({}, id(member)), updated: issued })).bytes)).rejects.toThrow(ExpiredCertificateError)
    await expect(later.put(key, record.bytes)).rejects.toThrow(ExpiredCertificateError)
    // Signed after the certificate expired: refused even as a replica.
    const afterExpiry = await sealed(other, { member, role: 'backend_developer', clock: increment({}, id(member)), updated: issued + 2 * DAY })
    await expect(later.put(other, afterExpiry.bytes, { origin: 'replica' })).rejects.toThrow(ExpiredCertificateError)
  })
})

// Web Crypto caps one getRandomValues call at 64 KiB; these tests make records up to 1 MB.
function randomBytes (length: number): Uint8Array {
  const bytes = new Uint8Array(length)
  for (let offset = 0; offset < length; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65_536)))
  return bytes
}
