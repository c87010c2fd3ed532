import { peerIdFromString } from '@libp2p/peer-id'
import { dhtKey } from '../../src/address/index.ts'
import { compare } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { sortByDistance } from '../../src/net/closest.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { siblingSetDigest } from '../../src/record/siblings.ts'
import type { Cluster } from './cluster.ts'

/** Every write a relay acknowledged, by address: none may be lost. */
export type Acknowledged = Map<string, VectorClock[]>

export function acknowledge (acknowledged: Acknowledged, address: string, version: VectorClock): void {
  acknowledged.set(address, [...(acknowledged.get(address) ?? []), version])
}

/**
 * After the cluster settles: the k relays closest to each key (among live ones)
 * hold identical sibling sets, and every acknowledged version is in that set
 * or superseded by a version in it. Returns the problems found (empty = ok).
 */
export async function checkInvariants (cluster: Cluster, acknowledged: Acknowledged, factor = 3): Promise<string[]> {
  const problems: string[] = []
  const live = cluster.live
  const byId = new Map(live.map(relay => [relay.libp2p.peerId.toString(), relay]))
  for (const [address, versions] of acknowledged) {
    const key = await dhtKey(address)
    const responsible = sortByDistance(new TextEncoder().encode(key), [...byId.keys()].map(id => peerIdFromString(id))).slice(0, factor)
    const sets = new Map<string, string>()
    let siblings: VectorClock[] = []
    for (const peer of responsible) {
      const relay = byId.get(peer.toString())
      const held = (await relay?.keeper.get(key) ?? []).map(bytes => decodeEnvelope(bytes))
      if (held.length === 0) {
        problems.push(`${address}: responsible relay ${peer.toString().slice(-8)} holds nothing`)
        continue
      }
      sets.set(peer.toString(), toBase64url(siblingSetDigest(held)))
      siblings = held.map(envelope => envelope.clock)
    }
    if (new Set(sets.values()).size > 1) problems.push(`${address}: replicas differ (${[...sets.values()].map(d => d.slice(0, 6)).join(' ')})`)
    for (const version of versions) {
      if (!siblings.some(clock => ['after', 'equal'].includes(compare(clock, version)))) {
        problems.push(`${address}: acknowledged version ${JSON.stringify(version)} was lost`)
      }
    }
  }
  return problems
}
