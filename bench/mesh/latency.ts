import { dhtKey } from '../../src/address/index.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { Ping } from '@libp2p/ping'
import type { Group, Row, Section } from '../section.ts'
import { median } from '../stats.ts'
import { lookupAgreement } from './agreement.ts'
import { MESH_ROLE, connectAll, startPeer, startRelays, stopAll } from './cluster.ts'
import { contextDraft, meshAddress } from './draft.ts'
import { LookupProbe } from './lookup-probe.ts'
import type { MeshNetwork } from './network.ts'
import { rawGet, rawKey, rawPut, registerRawNamespace } from './raw-dht.ts'
import { RelayProbe } from './relay-probe.ts'
import { putByPhases } from './put-phases.ts'
import { measured, runRounds } from './rounds.ts'
import type { RoundBudget, RoundsResult } from './rounds.ts'

export interface LatencyScenario {
  readonly relays: number
  readonly budget: RoundBudget
  /** Puts timed back to back afterwards for a rate (0: none), within sequentialBudgetMs. */
  readonly sequentialPuts: number
  readonly sequentialBudgetMs: number
  /** Keys on which to compare the lookup's choice of relays with the peer store's. */
  readonly agreementKeys: number
}

export interface Sequential {
  readonly puts: number
  readonly seconds: number
  readonly perSecond: number
}

/** What the tables do not show, for the notes and the JSON. */
export interface LatencyFacts {
  readonly relays: number
  readonly rounds: number
  readonly startSeconds: number
  /** Cores this process kept busy while the mesh sat idle after the rounds (timers, pings, DHT upkeep). */
  readonly idleCores: number
  /** Cores busy during the timed rounds (all threads). */
  readonly busyCores: number
  /** Share of the rounds the JavaScript thread, shared by every node here, was busy. */
  readonly eventLoopBusy: number
  /** Puts acknowledged by fewer than 3 relays. */
  readonly shortPuts: number
  /** How many relays stored each kad-dht put (median). */
  readonly rawReplicas: number
  readonly rawMisses: number
  /** Connections the two peers opened during the timed rounds (0: no sample paid for a dial). */
  readonly dials: number
  /** Errors of dials that failed while connecting the peers to every relay before the rounds (retried). */
  readonly failedDials: string[]
  /** DHT lookups closestRelays made per put or get (1 before src/net/closest.ts learnt to skip them). */
  readonly lookupsPerOperation: number
  /** Keys where adding a DHT lookup's results to the known relays did not change the 3 closest. */
  readonly agreement: { readonly same: number, readonly of: number }
  readonly sequential?: Sequential
}

export const putGroup = (relays: number): string => `put, ${relays} relays`
export const getGroup = (relays: number): string => `get, ${relays} relays`

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
      // Floors for one request/response on a fresh stream, the unit a put or get is made of.
      { id: 'ping', run: async i => { await ping(reader, relays[i % relays.length] as RelayNode) } },
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
    })
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
      agreement,
      ...(sequential === undefined ? {} : { sequential })
    }
    return { section: latencySection(scenario.relays, result, lookupsInside, served, facts), facts }
  } finally {
    await stopAll([writer, reader], relays)
  }
}

function latencySection (relays: number, result: RoundsResult, lookups: number[], served: { puts: number[], gets: number[] }, facts: LatencyFacts): Section {
  const row = (id: string, name: string, samples: readonly number[] | undefined): Row => ({ id, name, result: measured(samples ?? []) })
  const times = result.samples
  const groups: Group[] = [
    {
      label: putGroup(relays),
      rows: [
        row('slurp', 'slurp peer.put (k = 3)', times.get('put')),
        row('slurp-known', 'slurp peer.put, DHT lookup skipped', times.get('put-known')),
        row('raw', `kad-dht put (to ${facts.rawReplicas} relays)`, times.get('raw-put'))
      ]
    },
    {
      label: getGroup(relays),
      rows: [
        row('slurp', 'slurp peer.get', times.get('get')),
        row('slurp-known', 'slurp peer.get, DHT lookup skipped', times.get('get-known')),
        row('raw', 'kad-dht get (whole query)', times.get('raw-get')),
        row('raw-first', 'kad-dht get, first value', times.get('raw-get-first'))
      ]
    },
    {
      label: `inside, ${relays} relays`,
      rows: [
        row('lookup', 'one DHT lookup (getClosestPeers)', times.get('lookup')),
        row('lookup-inside', 'DHT lookups made inside put/get', lookups),
        row('ping', 'libp2p ping, one relay (new stream)', times.get('ping')),
        row('record-get', 'one record get, one relay (new stream)', times.get('record-get')),
        row('phase-locate', 'put step: pick 3 relays from the peer store', times.get('phase-locate')),
        row('phase-read', 'put step: read before write (record get ×3)', times.get('phase-read')),
        row('phase-seal', 'put step: encrypt + sign', times.get('phase-seal')),
        row('phase-write', 'put step: write (record put ×3)', times.get('phase-write')),
        row('relay-put', 'relay keeper.put (validate + store)', served.puts),
        row('relay-get', 'relay keeper.get', served.gets)
      ]
    }
  ]
  const notes = [
    `${result.rounds} rounds, each on fresh addresses; started in ${facts.startSeconds.toFixed(1)} s${facts.failedDials.length === 0 ? '' : ` (${facts.failedDials.length} dials retried: ${[...new Set(facts.failedDials)].join('; ')})`}; every slurp put acknowledged by 3 relays${facts.shortPuts === 0 ? '' : ` except ${facts.shortPuts}`}; closestRelays made ${facts.lookupsPerOperation.toFixed(2)} DHT lookups per put or get.`,
    `During the rounds the one JavaScript thread all ${relays + 2} nodes share was busy ${(facts.eventLoopBusy * 100).toFixed(0)}% of the time (${facts.busyCores.toFixed(2)} cores on all threads; ${facts.idleCores.toFixed(2)} with the mesh idle afterwards); the peers opened ${facts.dials} connections meanwhile.`,
    `"DHT lookup skipped": getClosestPeers finds nothing, so closestRelays sorts the relays in the peer store. Adding a lookup's results changed the 3 closest for ${facts.agreement.of - facts.agreement.same} of ${facts.agreement.of} keys.`
  ]
  if (facts.rawMisses > 0) notes.push(`${facts.rawMisses} kad-dht gets found no value.`)
  if (facts.sequential !== undefined) {
    const { puts, seconds, perSecond } = facts.sequential
    notes.push(`Sequential puts from one peer: ${puts} in ${seconds.toFixed(1)} s = ${perSecond.toFixed(1)} puts/s.`)
  }
  return { title: `mesh: ${relays} relays on loopback TCP, one process`, baselines: [{ label: '×kad-dht', id: 'raw' }, { label: '×first value', id: 'raw-first' }], groups, notes }
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

async function ping (peer: SlurpPeer, relay: RelayNode): Promise<void> {
  // slurp's node types its ping service as unknown; it is @libp2p/ping's.
  await (peer.libp2p.services.ping as Ping).ping(relay.libp2p.peerId)
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
