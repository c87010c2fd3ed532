import { dhtKey } from '../../src/address/index.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { Section } from '../section.ts'
import { median } from '../stats.ts'
import { lookupAgreement } from './agreement.ts'
import { MESH_ROLE, connectAll, startPeer, startRelays, stopAll } from './cluster.ts'
import { contextDraft, meshAddress } from './draft.ts'
import { latencySection } from './latency-report.ts'
import type { LatencyFacts, Sequential } from './latency-report.ts'
import { LookupProbe } from './lookup-probe.ts'
import type { MeshNetwork } from './network.ts'
import { rawGet, rawKey, rawPut, registerRawNamespace } from './raw-dht.ts'
import { putByPhases } from './put-phases.ts'
import { RelayProbe } from './relay-probe.ts'
import { replicationTotals } from './replication-totals.ts'
import { runRounds } from './rounds.ts'
import type { RoundBudget } from './rounds.ts'

export interface LatencyScenario {
  readonly relays: number
  readonly budget: RoundBudget
  /** Puts timed back to back afterwards for a rate (0: none), within sequentialBudgetMs. */
  readonly sequentialPuts: number
  readonly sequentialBudgetMs: number
  /** Keys on which to compare the lookup's choice of relays with the peer store's. */
  readonly agreementKeys: number
}

/**
 * put and get through slurp beside kad-dht's own put and get on the same
 * relays, one address per round; the writer and the reader are different peers.
 */
export async function meshLatency (network: MeshNetwork, scenario: LatencyScenario, rawValue: Uint8Array): Promise<{ section: Section, facts: LatencyFacts }> {
  const startStarted = performance.now()
  const relays = await startRelays(network, scenario.relays)
  const member = await network.member([MESH_ROLE])
  const writer = await startPeer(network, relays, member)
  const reader = await startPeer(network, relays)
  const failedDials = [...await connectAll(writer, relays), ...await connectAll(reader, relays)]
  const startSeconds = (performance.now() - startStarted) / 1000
  try {
    for (const node of [...relays.map(relay => relay.libp2p), writer.libp2p, reader.libp2p]) registerRawNamespace(node.services.dht)
    const writerLookups = new LookupProbe(writer.libp2p.services.dht)
    const readerLookups = new LookupProbe(reader.libp2p.services.dht)
    const relayProbe = new RelayProbe(relays)
    const scenarioName = `${scenario.relays}`
    let shortPuts = 0
    let rawMisses = 0
    const rawReplicas: number[] = []
    const dials = countDials([writer, reader])
    let replicationBefore = replicationTotals(relays)

    const withoutLookup = async <T>(probe: LookupProbe, run: () => Promise<T>): Promise<T> => {
      probe.skip = true
      try {
        return await run()
      } finally {
        probe.skip = false
      }
    }
    const put = async (address: string, index: number): Promise<void> => {
      const result = await writer.put(address, contextDraft(index), { as: MESH_ROLE })
      if (result.replicas < 3) shortPuts++
    }
    const get = async (address: string, index: number): Promise<void> => {
      const { item } = await reader.get(address)
      if (item.summary !== contextDraft(index).summary) throw new Error(`get ${address} returned another item`)
    }
    const plain = (i: number): string => meshAddress(`${scenarioName}-a`, i)
    const known = (i: number): string => meshAddress(`${scenarioName}-b`, i)
    const phased = (i: number): string => meshAddress(`${scenarioName}-c`, i)
    const raw = (i: number): Uint8Array => rawKey(`${scenarioName}/${i}`)

    const result = await runRounds(`mesh, ${scenario.relays} relays`, scenario.budget, [
      { id: 'put', run: async i => { await put(plain(i), i) } },
      { id: 'put-known', run: async i => { await withoutLookup(writerLookups, async () => { await put(known(i), i) }) } },
      {
        id: 'raw-put',
        run: async i => {
          rawReplicas.push((await rawPut(writer.libp2p.services.dht, raw(i), rawValue)).stored)
        }
      },
      { id: 'get', run: async i => { await get(plain(i), i) } },
      { id: 'get-known', run: async i => { await withoutLookup(readerLookups, async () => { await get(known(i), i) }) } },
      {
        id: 'raw-get',
        run: async i => {
          const answer = await rawGet(reader.libp2p.services.dht, raw(i))
          if (!answer.found) rawMisses++
          return { 'raw-get': answer.totalMs, 'raw-get-first': answer.firstMs }
        }
      },
      { id: 'phases', run: async i => await putByPhases(writer, writerLookups, network, member, phased(i), i) },
      { id: 'lookup', run: async i => { await readerLookups.lookup(await keyBytes(meshAddress(`${scenarioName}-d`, i))) } },
      // The floor: one request and response on a fresh stream, the unit a put or get is made of.
      {
        id: 'record-get',
        run: async i => {
          const answer = await requestRecord(reader.libp2p, (relays[i % relays.length] as RelayNode).libp2p.peerId, { op: 'get', key: await dhtKey(plain(i)) })
          if (answer.status !== 'ok') throw new Error(`record get failed: ${answer.message}`)
        }
      }
    ], () => {
      writerLookups.drain()
      readerLookups.drain()
      relayProbe.drain()
      dials.reset()
      replicationBefore = replicationTotals(relays)
    })
    const replication = replicationTotals(relays, replicationBefore)
    const timedDials = dials.count()
    const lookupsInside = [...writerLookups.drain(), ...readerLookups.drain()]
    const served = relayProbe.drain()

    const idleCores = await idleLoad(1000)
    const agreement = await lookupAgreement(reader, readerLookups, scenario.agreementKeys)
    const sequential = scenario.sequentialPuts > 0
      ? await sequentialPuts(writer, scenarioName, scenario.sequentialPuts, scenario.sequentialBudgetMs)
      : undefined

    const facts: LatencyFacts = {
      relays: scenario.relays,
      rounds: result.rounds,
      startSeconds,
      idleCores,
      busyCores: result.cpuMs / result.wallMs,
      eventLoopBusy: result.eventLoopBusy,
      shortPuts,
      rawReplicas: Math.round(median(rawReplicas)),
      rawMisses,
      dials: timedDials,
      failedDials,
      lookupsPerOperation: lookupsInside.length / (2 * result.rounds),
      replication,
      agreement,
      ...(sequential === undefined ? {} : { sequential })
    }
    return { section: latencySection(scenario.relays, result, lookupsInside, served, facts), facts }
  } finally {
    await stopAll([writer, reader], relays)
  }
}

async function sequentialPuts (writer: SlurpPeer, scenario: string, count: number, budgetMs: number): Promise<Sequential> {
  const started = performance.now()
  let puts = 0
  while (puts < count && performance.now() - started < budgetMs) {
    await writer.put(meshAddress(`${scenario}-seq`, puts), contextDraft(puts), { as: MESH_ROLE })
    puts++
  }
  const seconds = (performance.now() - started) / 1000
  return { puts, seconds, perSecond: puts / seconds }
}

async function keyBytes (address: string): Promise<Uint8Array> {
  return new TextEncoder().encode(await dhtKey(address))
}

async function idleLoad (ms: number): Promise<number> {
  const cpu = process.cpuUsage()
  await new Promise(resolve => setTimeout(resolve, ms))
  const used = process.cpuUsage(cpu)
  return (used.user + used.system) / 1000 / ms
}

function countDials (peers: readonly SlurpPeer[]): { reset: () => void, count: () => number } {
  let opened = 0
  for (const peer of peers) peer.libp2p.addEventListener('connection:open', () => { opened++ })
  return { reset: () => { opened = 0 }, count: () => opened }
}
