import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import type { Transport } from '@libp2p/interface'

/**
 * Server runtimes (Node, Bun, Deno): relays listen on TCP and WebSockets, the
 * transports browsers and other relays reach them by; circuit relay lets
 * peers behind NAT be reached through a relay.
 */
export type TransportFactory = (components: any) => Transport

export function defaultTransports (): TransportFactory[] {
  return [tcp(), webSockets(), circuitRelayTransport()]
}

export const DEFAULT_RELAY_LISTEN = ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']
// Peers listen through a relay reservation: reachable (and findable as role providers) without a public address.
export const DEFAULT_PEER_LISTEN: string[] = ['/p2p-circuit']
