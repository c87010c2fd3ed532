import { dhtKey } from '../../src/address/index.ts'
import { closestRelays, knownRelays, sortByDistance } from '../../src/net/closest.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { meshAddress } from './draft.ts'

/**
 * For `count` fresh keys, whether the DHT lookup picks the same k relays as
 * sorting the relays the peer already knows: if it always does, the lookup
 * buys nothing on a mesh this size, and its cost is pure overhead.
 */
export async function lookupAgreement (peer: SlurpPeer, count: number, k = 3): Promise<{ same: number, of: number }> {
  let same = 0
  for (let i = 0; i < count; i++) {
    const key = await dhtKey(meshAddress('agree', i))
    const looked = await closestRelays(peer.libp2p, peer.libp2p.services.dht, key, k)
    const known = sortByDistance(new TextEncoder().encode(key), (await knownRelays(peer.libp2p)).filter(id => !id.equals(peer.peerId))).slice(0, k)
    if (looked.map(String).join() === known.map(String).join()) same++
  }
  return { same, of: count }
}
