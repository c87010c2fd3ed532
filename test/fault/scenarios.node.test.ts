import { peerIdFromString } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { sortByDistance } from '../../src/net/closest.ts'
import { createTestNetwork } from '../helpers/network.ts'
import { eventually } from '../helpers/mesh.ts'
import { Cluster } from './cluster.ts'
import { acknowledge, checkInvariants } from './invariants.ts'
import type { Acknowledged } from './invariants.ts'
import { Random } from './random.ts'

// Fault scenarios on real relays in one process. Every one ends with the same
// invariant check: zero acknowledged writes lost, all replicas identical.
const network = await createTestNetwork()
let cluster: Cluster | undefined

afterEach(async () => {
  await cluster?.stop()
  cluster = undefined
})

async function holdersOf (c: Cluster, address: string): Promise<number[]> {
  const key = await dhtKey(address)
  const held: number[] = []
  for (const slot of c.slots) if (slot.relay !== undefined && await slot.relay.keeper.has(key)) held.push(slot.index)
  return held
}

async function closestLive (c: Cluster, address: string, k = 3): Promise<number[]> {
  const key = new TextEncoder().encode(await dhtKey(address))
  const live = c.slots.filter(slot => slot.relay !== undefined)
  const order = sortByDistance(key, live.map(slot => peerIdFromString(slot.peerId))).map(String)
  return order.slice(0, k).map(id => live.find(slot => slot.peerId === id)?.index as number)
}

describe('fault scenarios', () => {
  it('kill k−1 holders: the record stays readable and is repaired back to k', async () => {
    cluster = await Cluster.start(network, 6, new Random(1))
    const writer = await cluster.peer(['backend_developer'])
    const reader = await cluster.peer(['senior_architect'])
    const acknowledged: Acknowledged = new Map()
    const address = 'ucxl://project/fault/kill-two'
    acknowledge(acknowledged, address, (await writer.put(address, { summary: 'survives' }, { as: 'backend_developer' })).version)
    const holders = await holdersOf(cluster, address)
    expect(holders).toHaveLength(3)
    await cluster.kill(holders[0] as number)
    await cluster.kill(holders[1] as number)
    expect((await reader.get(address)).item.summary).toBe('survives')
    try {
      await eventually(async () => {
        expect(await holdersOf(cluster as Cluster, address)).toHaveLength(3)
      }, 15_000)
    } catch (error) {
      for (const slot of cluster.slots) {
        if (slot.relay === undefined) continue
        console.log('DIAG', slot.index, await slot.relay.keeper.has(await dhtKey(address)), JSON.stringify(slot.relay.replication.summary()), slot.relay.libp2p.getConnections().map(c => cluster?.slots.findIndex(x => x.peerId === c.remotePeer.toString())), JSON.stringify(await closestLive(cluster, address)))
      }
      throw error
    }
    // The relays have repaired; the reader's view of who is closest catches up as it learns of them.
    await eventually(async () => {
      expect((await reader.replicationStatus(address)).health).toBe('healthy')
    }, 10_000)
    expect(await checkInvariants(cluster, acknowledged)).toEqual([])
  })

  it('kill a holder and add relays: the record moves to the new closest set', async () => {
    cluster = await Cluster.start(network, 4, new Random(2))
    const writer = await cluster.peer(['backend_developer'])
    const acknowledged: Acknowledged = new Map()
    const addresses = Array.from({ length: 12 }, (_, i) => `ucxl://project/fault/move-${i}`)
    for (const address of addresses) acknowledge(acknowledged, address, (await writer.put(address, { summary: address }, { as: 'backend_developer' })).version)
    await cluster.kill((await holdersOf(cluster, addresses[0] as string))[0] as number)
    for (let i = 0; i < 4; i++) await cluster.addRelay()
    await eventually(async () => {
      for (const address of addresses) {
        const held = await holdersOf(cluster as Cluster, address)
        for (const index of await closestLive(cluster as Cluster, address)) expect(held).toContain(index)
      }
    }, 20_000)
    expect(await checkInvariants(cluster, acknowledged)).toEqual([])
  })

  it('partition, concurrent writes on both sides, heal: identical replicas, same winner and siblings', async () => {
    cluster = await Cluster.start(network, 6, new Random(3))
    const left = await cluster.peer(['backend_developer'])
    const right = await cluster.peer(['backend_developer'])
    const reader = await cluster.peer(['senior_architect'])
    const acknowledged: Acknowledged = new Map()
    const addresses = Array.from({ length: 6 }, (_, i) => `ucxl://project/fault/split-${i}`)
    for (const address of addresses) acknowledge(acknowledged, address, (await left.put(address, { summary: 'before' }, { as: 'backend_developer' })).version)
    await cluster.partition([{ relays: [0, 1, 2], peers: [left] }, { relays: [3, 4, 5], peers: [right, reader] }])
    for (const address of addresses) {
      // Each side writes with k=3 against its own half: both acknowledged, concurrently.
      acknowledge(acknowledged, address, (await left.put(address, { summary: 'left' }, { as: 'backend_developer' })).version)
      acknowledge(acknowledged, address, (await right.put(address, { summary: 'right' }, { as: 'backend_developer' })).version)
    }
    const healedAt = Date.now()
    await cluster.heal()
    // Convergence from the relays' own triggers and timers: no explicit settle.
    await eventually(async () => {
      expect(await checkInvariants(cluster as Cluster, acknowledged)).toEqual([])
    }, 30_000, 100)
    // Bounded: from the relays' own reaction to reconnecting (npm run bench:replication measures it).
    expect(Date.now() - healedAt).toBeLessThan(30_000)
    for (const address of addresses) {
      const got = await reader.get(address)
      expect(got.conflicts).toHaveLength(1)
      expect(['left', 'right']).toContain(got.item.summary)
      // The reader asks the relays it knows to be closest; until it has redialled the
      // far side, a stand-in holding one side's copy may answer for a closest one.
      await eventually(async () => {
        expect((await reader.replicationStatus(address))).toMatchObject({ conflicts: 1, consistent: true, unreachable: [] })
      }, 10_000)
    }
    // A write that has seen both siblings resolves the conflict everywhere.
    const address = addresses[0] as string
    acknowledge(acknowledged, address, (await left.put(address, { summary: 'merged' }, { as: 'backend_developer' })).version)
    await cluster.settle()
    expect((await reader.get(address)).conflicts).toEqual([])
    expect(await checkInvariants(cluster, acknowledged)).toEqual([])
  })

  it('restart every relay: nothing lost', async () => {
    cluster = await Cluster.start(network, 5, new Random(4))
    const writer = await cluster.peer(['backend_developer'])
    const acknowledged: Acknowledged = new Map()
    for (let i = 0; i < 20; i++) {
      const address = `ucxl://project/fault/restart-${i}`
      acknowledge(acknowledged, address, (await writer.put(address, { summary: `n${i}` }, { as: 'backend_developer' })).version)
    }
    for (const slot of cluster.slots) await cluster.kill(slot.index)
    for (const slot of cluster.slots) await cluster.restart(slot.index)
    await cluster.settle()
    expect(await checkInvariants(cluster, acknowledged)).toEqual([])
    const reader = await cluster.peer(['senior_architect'])
    for (let i = 0; i < 20; i++) expect((await reader.get(`ucxl://project/fault/restart-${i}`)).item.summary).toBe(`n${i}`)
  })
})
