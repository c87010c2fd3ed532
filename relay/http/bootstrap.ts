import type { Hono } from 'hono'
import { multiaddr } from '@multiformats/multiaddr'
import { relayRoster } from '../../src/net/relay-roster.ts'
import type { RelayLike } from './relay-like.ts'

/** Transports a browser can dial. */
const BROWSER_DIALABLE = new Set(['ws', 'wss', 'webtransport', 'webrtc-direct'])

/**
 * `GET /v1/bootstrap`: relays a browser tab can dial — this one and the
 * certified relays it knows — so the page a relay serves joins the mesh with no
 * configuration. Only public facts: peer ids and multiaddrs.
 */
export function registerBootstrapRoute (app: Hono, relay: RelayLike): void {
  app.get('/v1/bootstrap', async c => {
    if (!relay.running) return c.json({ status: 'starting' }, 503)
    const node = relay.libp2p
    const relays = [{ peerId: node.peerId.toString(), multiaddrs: relay.multiaddrs().filter(browserDialable) }]
    // Only relays the root certified: a stranger speaking the record protocol
    // must never be handed to browser tabs as one of the network's relays.
    const roster = relayRoster(node)
    for (const peer of await node.peerStore.all()) {
      if (roster?.isCertified(peer.id) !== true) continue
      const id = peer.id.toString()
      const addresses = peer.addresses.map(address => `${address.multiaddr.toString()}/p2p/${id}`).filter(browserDialable)
      if (addresses.length > 0) relays.push({ peerId: id, multiaddrs: addresses })
    }
    return c.json({ network: relay.currentPolicy.network, relays: relays.filter(entry => entry.multiaddrs.length > 0) })
  })
}

function browserDialable (address: string): boolean {
  try {
    return multiaddr(address).getComponents().some(component => BROWSER_DIALABLE.has(component.name))
  } catch {
    return false
  }
}
