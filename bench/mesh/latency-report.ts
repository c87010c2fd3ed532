import type { Group, Row, Section } from '../section.ts'
import type { ReplicationTotals } from './replication-totals.ts'
import { measured } from './rounds.ts'
import type { RoundsResult } from './rounds.ts'

export const putGroup = (relays: number): string => `put, ${relays} relays`
export const getGroup = (relays: number): string => `get, ${relays} relays`

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
  /** Cores this process kept busy while the mesh sat idle after the rounds (timers, DHT upkeep, replication). */
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
  /** What the relays' replication managers did during the timed rounds (background work sharing the thread). */
  readonly replication: ReplicationTotals
  /** Keys where adding a DHT lookup's results to the known relays did not change the 3 closest. */
  readonly agreement: { readonly same: number, readonly of: number }
  readonly sequential?: Sequential
}

/** The scenario's table: slurp beside kad-dht, then what a put and a get are made of. */
export function latencySection (relays: number, result: RoundsResult, lookups: number[], served: { puts: number[], gets: number[] }, facts: LatencyFacts): Section {
  const row = (id: string, name: string, samples: readonly number[] | undefined): Row => ({ id, name, result: measured(samples ?? []) })
  // A row for lookups inside put/get only when there were any (src/net/closest.ts skips them when enough relays are known).
  const present = (rows: Row[]): Row[] => rows.filter(candidate => candidate.result.samples > 0)
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
      rows: present([
        row('lookup', 'one DHT lookup (getClosestPeers)', times.get('lookup')),
        row('lookup-inside', 'DHT lookups made inside put/get', lookups),
        row('record-get', 'one record get, one relay (new stream)', times.get('record-get')),
        row('phase-locate', 'put step: pick 3 relays from the peer store', times.get('phase-locate')),
        row('phase-read', 'put step: read before write (record get ×3)', times.get('phase-read')),
        row('phase-seal', 'put step: encrypt + sign', times.get('phase-seal')),
        row('phase-write', 'put step: write (record put ×3)', times.get('phase-write')),
        row('relay-put', 'relay keeper.put (validate + store)', served.puts),
        row('relay-get', 'relay keeper.get', served.gets)
      ])
    }
  ]
  const notes = [
    `${result.rounds} rounds, each on fresh addresses; started in ${facts.startSeconds.toFixed(1)} s${facts.failedDials.length === 0 ? '' : ` (${facts.failedDials.length} dials retried: ${[...new Set(facts.failedDials)].join('; ')})`}; every slurp put acknowledged by 3 relays${facts.shortPuts === 0 ? '' : ` except ${facts.shortPuts}`}; closestRelays made ${facts.lookupsPerOperation.toFixed(2)} DHT lookups per put or get.`,
    `During the rounds the one JavaScript thread all ${relays + 2} nodes share was busy ${(facts.eventLoopBusy * 100).toFixed(0)}% of the time (${facts.busyCores.toFixed(2)} cores on all threads; ${facts.idleCores.toFixed(2)} with the mesh idle afterwards); the peers opened ${facts.dials} connections meanwhile.`,
    `Meanwhile the relays ran ${facts.replication.antiEntropyRounds} anti-entropy rounds (pulled ${facts.replication.pulled}, pushed ${facts.replication.pushed} records) and ${facts.replication.repairPasses} repair passes, on the same thread.`,
    `"DHT lookup skipped": getClosestPeers finds nothing, so closestRelays sorts the relays in the peer store. Adding a lookup's results changed the 3 closest for ${facts.agreement.of - facts.agreement.same} of ${facts.agreement.of} keys.`
  ]
  if (facts.rawMisses > 0) notes.push(`${facts.rawMisses} kad-dht gets found no value.`)
  if (facts.sequential !== undefined) {
    const { puts, seconds, perSecond } = facts.sequential
    notes.push(`Sequential puts from one peer: ${puts} in ${seconds.toFixed(1)} s = ${perSecond.toFixed(1)} puts/s.`)
  }
  return { title: `mesh: ${relays} relays on loopback TCP, one process`, baselines: [{ label: '×kad-dht', id: 'raw' }, { label: '×first value', id: 'raw-first' }], groups, notes }
}
