import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webSockets } from '@libp2p/websockets'
import type { Transport } from '@libp2p/interface'

/** Browsers dial relays over WebSockets and each other through circuit relay. */
export type TransportFactory = (components: any) => Transport

export function defaultTransports (): TransportFactory[] {
  return [webSockets(), circuitRelayTransport()]
}

export const DEFAULT_RELAY_LISTEN: string[] = []
// Peers listen through a relay reservation: reachable (and findable as role providers) without a public address.
export const DEFAULT_PEER_LISTEN: string[] = ['/p2p-circuit']
