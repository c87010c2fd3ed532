import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayNode } from '../../src/relay.ts'
import { knownRelays, sortByDistance } from '../../src/net/closest.ts'
import { BUCKETS, bucketOf } from '../../src/replication/buckets.ts'
import { requestOwnedEntries, requestRecordsOf, requestStore } from '../../src/replication/sync-protocol.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from '../http/fixtures.ts'

// Records move between relays many to a message; every one still goes through
// the receiving relay's validator.
const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
let relays: RelayNode[]

beforeAll(async () => {
  // Fixed peer ids: which relays are closest to which key is the same on every run.
  const privateKeys = await Promise.all([1, 2, 3, 4].map(async i => await generateKeyPairFromSeed('Ed25519', new Uint8Array(32).fill(i))))
  relays = await startRelays(network, 4, undefined, { privateKeys })
  await eventually(async () => {
    for (const relay of relays) expect((await knownRelays(relay.libp2p)).length).toBe(3)
  })
}, 30_000)
afterAll(async () => { await Promise.all((relays ?? []).map(async r => await r.stop())) })

describe('batched record transfer between relays', () => {
  it('stores the valid records of a batch, refuses forged ones by code, and serves them back', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const good = await Promise.all(Array.from({ length: 20 }, async (_, i) => await writeRecord(network, member, `ucxl://batch/good/${i}`, `good ${i}`)))
    const forged = await writeRecord(network, member, 'ucxl://batch/forged', 'forged')
    const results = await requestStore(a.libp2p, b.libp2p.peerId, [
      ...good.map(r => [r.key, [r.bytes]] as const),
      [forged.key, [tamper(forged.bytes)]]
    ])
    for (const record of good) expect(results.get(record.key)).toBe('')
    expect(results.get(forged.key)).toBe('ERR_INVALID_SIGNATURE')
    expect(await b.keeper.has(forged.key)).toBe(false)
    // Sent again: already held, still a success.
    expect((await requestStore(a.libp2p, b.libp2p.peerId, [[good[0]!.key, [good[0]!.bytes]]])).get(good[0]!.key)).toBe('')
    const back = await requestRecordsOf(a.libp2p, b.libp2p.peerId, [...good.map(r => r.key), forged.key])
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
    for (const record of good) expect(back.get(record.key)?.map(hex)).toEqual([hex(record.bytes)])
    expect(back.get(forged.key)).toEqual([])
  })

  it('lists, for the asking relay, only what it should hold, in the buckets it asked for', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const everyone = relays.map(relay => relay.libp2p.peerId)
    const closest = (key: string): string[] => sortByDistance(new TextEncoder().encode(key), everyone).slice(0, 3).map(String)
    // Only keys b must keep itself: its repair never drops those while the test runs.
    // Written until some are a's too and some are not (with random peer ids a
    // fixed 40 keys once held none that a does not own: 35 of 35). The peer ids
    // are fixed, so the same keys are written on every run.
    const records: Array<Awaited<ReturnType<typeof writeRecord>>> = []
    const owned = { byA: 0, notByA: 0 }
    for (let i = 0; (owned.byA < 3 || owned.notByA < 3) && i < 2000; i++) {
      const record = await writeRecord(network, member, `ucxl://owned/r${i}`, `r${i}`)
      const owners = closest(record.key)
      if (!owners.includes(b.libp2p.peerId.toString())) continue
      records.push(record)
      if (owners.includes(a.libp2p.peerId.toString())) owned.byA++
      else owned.notByA++
    }
    for (const record of records) await b.keeper.put(record.key, record.bytes)
    const aOwns = records.filter(record => closest(record.key).includes(a.libp2p.peerId.toString())).map(record => record.key)
    expect(aOwns.length).toBeGreaterThanOrEqual(3)
    expect(records.length - aOwns.length).toBeGreaterThanOrEqual(3)

    const all = await requestOwnedEntries(a.libp2p, b.libp2p.peerId, Array.from({ length: BUCKETS }, (_, i) => i))
    const listed = all.map(([key]) => key).filter(key => records.some(record => record.key === key))
    expect(listed.sort()).toEqual([...aOwns].sort())
    for (const [, digest] of all) expect(digest).toHaveLength(32)

    const bucket = bucketOf(aOwns[0] as string)
    const some = await requestOwnedEntries(a.libp2p, b.libp2p.peerId, [bucket])
    expect(some.length).toBeGreaterThan(0)
    for (const [key] of some) expect(bucketOf(key)).toBe(bucket)
  })
})
