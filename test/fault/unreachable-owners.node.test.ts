import { afterAll, describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { NetworkError, NotFoundError } from '../../src/errors.ts'
import { knownRelays } from '../../src/net/closest.ts'
import { eventually } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import { Cluster } from './cluster.ts'
import { Random } from './random.ts'

// Relays that stand in for unreachable responsible ones hold nothing once
// replication has settled: their empty answers must not read as "not found".
const network = await createTestNetwork()
const HOUR = 3_600_000
let cluster: Cluster | undefined

afterAll(async () => { await cluster?.stop() })

describe('a read whose responsible relays are all unreachable', () => {
  it('fails with NetworkError, not NotFoundError, and NotFoundError only when they answer', async () => {
    // No repair or anti-entropy during the test: the stand-ins stay empty.
    cluster = await Cluster.start(network, 5, new Random(7), { repairIntervalMs: HOUR, antiEntropyIntervalMs: HOUR, triggerDelayMs: HOUR })
    const writer = await cluster.peer(['backend_developer'])
    const reader = await cluster.peer(['senior_architect'])
    const address = 'ucxl://project/fault/owners-gone'
    await writer.put(address, { summary: 'held by its three closest relays only' }, { as: 'backend_developer' })
    await expect(reader.get('ucxl://project/fault/never-written')).rejects.toThrow(NotFoundError)
    // The reader knows every relay, so the closest it knows are the responsible ones.
    await eventually(async () => { expect(await knownRelays(reader.libp2p)).toHaveLength(5) })

    const key = await dhtKey(address)
    const owners: number[] = []
    for (const slot of cluster.slots) if (await slot.relay?.keeper.has(key) === true) owners.push(slot.index)
    expect(owners).toHaveLength(3)
    for (const index of owners) await cluster.kill(index)

    const error = await reader.get(address).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(/relays responsible .* could be reached/)
  })

  it('finds a record whose holders came back after the reader started, rather than saying it is not there', async () => {
    await cluster?.stop()
    // Six relays: the three the reader can reach are as many as it asks, so it looks up no others.
    cluster = await Cluster.start(network, 6, new Random(8), { repairIntervalMs: HOUR, antiEntropyIntervalMs: HOUR, triggerDelayMs: HOUR })
    const writer = await cluster.peer(['backend_developer'])
    const address = 'ucxl://project/fault/owners-back'
    await writer.put(address, { summary: 'held by relays the reader has never met' }, { as: 'backend_developer' })
    const key = await dhtKey(address)
    const owners: number[] = []
    for (const slot of cluster.slots) if (await slot.relay?.keeper.has(key) === true) owners.push(slot.index)
    expect(owners).toHaveLength(3)
    for (const index of owners) await cluster.kill(index)
    const reader = await cluster.peer(['senior_architect'])
    await eventually(async () => { expect(await knownRelays(reader.libp2p)).toHaveLength(3) })
    for (const index of owners) await cluster.restart(index)
    // The three it knows answer "nothing here"; the read dials its bootstrap list again and asks the closest.
    expect((await reader.get(address)).item.summary).toBe('held by relays the reader has never met')
  })
})
