import { dhtKey } from '../../src/address/index.ts'
import { knownRelays, sortByDistance } from '../../src/net/closest.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { meshAddress } from './draft.ts'
import type { LookupProbe } from './lookup-probe.ts'

/**
 * For `count` fresh keys, whether adding a DHT lookup's results to the relays
 * the peer already knows changes which k are closest: if it never does, a
 * lookup buys nothing on a mesh this size and its cost is pure overhead.
 */
export async function lookupAgreement (peer: SlurpPeer, probe: LookupProbe, count: number, k = 3): Promise<{ same: number, of: number }> {
  let same = 0
  for (let i = 0; i < count; i++) {
    const key = new TextEncoder().encode(await dhtKey(meshAddress('agree', i)))
    const known = await knownRelays(peer.libp2p)
    const found = await probe.lookup(key)
    const withLookup = new Map([...known, ...found].map(id => [id.toString(), id]))
    withLookup.delete(peer.peerId.toString())
    const chosen = sortByDistance(key, [...withLookup.values()]).slice(0, k).join()
    if (chosen === sortByDistance(key, known).slice(0, k).join()) same++
  }
  return { same, of: count }
}
