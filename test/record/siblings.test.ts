import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { increment, merge } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { decodeSiblings, encodeSiblings, mergeVersion, selectWinner, sortByWinner } from '../../src/record/siblings.ts'
import { sealRecord } from '../../src/record/seal.ts'
import type { RecordEnvelope } from '../../src/record/envelope.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import type { TestMember } from '../helpers/network.ts'

const network = await createTestNetwork()
const alice = await createTestMember(network, ['backend_developer'])
const bob = await createTestMember(network, ['backend_developer'])
const key = await dhtKey('ucxl://project/readme')

async function version (member: TestMember, clock: VectorClock, updated: number): Promise<RecordEnvelope> {
  const sealed = await sealRecord({
    key,
    clock,
    signer: member.signer,
    certificate: member.certificate,
    role: 'backend_developer',
    contentType: 'context',
    created: 1,
    updated,
    ciphertext: crypto.getRandomValues(new Uint8Array(32))
  })
  return sealed.envelope
}
const id = (member: TestMember) => toBase64url(member.signer.publicKey)

describe('version order', () => {
  it('first write is stored, a dominating write replaces, a dominated one is stale', async () => {
    const v1 = await version(alice, increment({}, id(alice)), 10)
    const v2 = await version(alice, increment(v1.clock, id(alice)), 20)
    expect(mergeVersion([], v1).outcome).toBe('stored')
    const replaced = mergeVersion([v1], v2)
    expect(replaced.outcome).toBe('replaced')
    expect(replaced.siblings).toEqual([v2])
    const stale = mergeVersion([v2], v1)
    expect(stale.outcome).toBe('stale')
    expect(stale.siblings).toEqual([v2])
    expect(mergeVersion([v2], v2).outcome).toBe('duplicate')
  })

  it('a replayed older version never wins even with a later timestamp', async () => {
    const v1 = await version(alice, increment({}, id(alice)), 10)
    const v2 = await version(alice, increment(v1.clock, id(alice)), 20)
    const replay = await version(alice, v1.clock, 99_999)
    expect(mergeVersion([v2], replay).outcome).toBe('stale')
    // Same clock, different bytes: an equivocation, also refused.
    expect(mergeVersion([v1], replay).outcome).toBe('stale')
  })

  it('concurrent writes become siblings, and a write that has seen both resolves them', async () => {
    const base = await version(alice, increment({}, id(alice)), 10)
    const a = await version(alice, increment(base.clock, id(alice)), 30)
    const b = await version(bob, increment(base.clock, id(bob)), 20)
    const first = mergeVersion([base], a)
    const both = mergeVersion(first.siblings, b)
    expect(both.outcome).toBe('sibling')
    expect(both.siblings).toHaveLength(2)
    expect(both.siblings[0]).toBe(a) // later timestamp wins
    const resolved = await version(bob, increment(merge(a.clock, b.clock), id(bob)), 5)
    const after = mergeVersion(both.siblings, resolved)
    expect(after.outcome).toBe('replaced')
    expect(after.siblings).toEqual([resolved])
  })

  it('every arrival order yields the same sibling set and winner', async () => {
    const a = await version(alice, increment({}, id(alice)), 50)
    const b = await version(bob, increment({}, id(bob)), 50)
    const c = await version(bob, increment(increment({}, id(bob)), id(bob)), 40)
    const orders = [[a, b, c], [c, b, a], [b, a, c], [b, c, a], [a, c, b], [c, a, b]]
    const winners = new Set<string>()
    const sets = new Set<string>()
    for (const order of orders) {
      let siblings: readonly RecordEnvelope[] = []
      for (const record of order) siblings = mergeVersion(siblings, record).siblings
      winners.add(toBase64url(selectWinner(siblings)?.signature ?? new Uint8Array()))
      sets.add(siblings.map(s => toBase64url(s.signature)).join(','))
    }
    expect(winners.size).toBe(1)
    expect(sets.size).toBe(1)
  })

  it('ties on timestamp break on author key', async () => {
    const a = await version(alice, increment({}, id(alice)), 7)
    const b = await version(bob, increment({}, id(bob)), 7)
    expect(sortByWinner([a, b])[0]).toBe(sortByWinner([b, a])[0])
  })

  it('sibling sets round-trip through their storage encoding', async () => {
    const a = await version(alice, increment({}, id(alice)), 1)
    const b = await version(bob, increment({}, id(bob)), 2)
    const decoded = decodeSiblings(encodeSiblings([a, b]))
    expect(decoded.map(s => s.signature)).toEqual([a.signature, b.signature])
  })
})
