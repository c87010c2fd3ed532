import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compare } from '../../src/clock/vector-clock.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

// Writes are optimistic: one round trip when the writer knows what it
// supersedes, and written again on top of what relays hold when it does not.
const network = await createTestNetwork()
let relays: RelayNode[]
let alice: SlurpPeer
let bob: SlurpPeer

beforeAll(async () => {
  relays = await startRelays(network, 3)
  alice = await startPeer(network, relays, ['backend_developer'])
  bob = await startPeer(network, relays, ['backend_developer'])
}, 60_000)

afterAll(async () => {
  await Promise.all([alice, bob].map(async p => await p?.stop()))
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

const totals = (): { puts: number, gets: number } => ({
  puts: relays.reduce((sum, relay) => sum + relay.keeper.stats.puts, 0),
  gets: relays.reduce((sum, relay) => sum + relay.keeper.stats.gets, 0)
})

describe('optimistic writes', () => {
  it('write a fresh address in one round trip: no read first', async () => {
    const before = totals()
    const result = await alice.put('ucxl://optimistic/fresh', { summary: 'fresh' }, { as: 'backend_developer' })
    expect(result.replicas).toBe(3)
    expect(totals()).toEqual({ puts: before.puts + 3, gets: before.gets })
  })

  it('supersede a version the writer never read, with no conflict left behind', async () => {
    const address = 'ucxl://optimistic/shared'
    const first = await alice.put(address, { summary: 'alice v1' }, { as: 'backend_developer' })
    const created = (await alice.get(address)).meta.created
    const blind = await bob.put(address, { summary: 'bob, never read it' }, { as: 'backend_developer' })
    expect(blind.replicas).toBe(3)
    expect(compare(blind.version, first.version)).toBe('after')
    // Alice's own last write is older than Bob's now: her next write goes on top of his.
    const again = await alice.put(address, { summary: 'alice v2' }, { as: 'backend_developer' })
    expect(compare(again.version, blind.version)).toBe('after')
    const read = await bob.get(address)
    expect(read.item.summary).toBe('alice v2')
    expect(read.conflicts).toEqual([])
    // The address keeps its creation time across writers.
    expect(read.meta.created).toBe(created)
  })

  it('concurrent writers to one address: every write acknowledged, one winner read everywhere', async () => {
    const address = 'ucxl://optimistic/race'
    const writes = await Promise.all([alice, bob].flatMap((writer, w) => Array.from({ length: 4 }, async (_, i) =>
      await writer.put(address, { summary: `w${w} #${i}` }, { as: 'backend_developer' }))))
    for (const write of writes) expect(write.replicas).toBeGreaterThanOrEqual(2)
    const [fromAlice, fromBob] = await Promise.all([alice.get(address), bob.get(address)])
    expect(fromAlice.item.summary).toBe(fromBob.item.summary)
    expect(writes.map(write => write.version)).toContainEqual(fromAlice.meta.version)
  })
})
