import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import { webTransport } from '@libp2p/webtransport'
import type { Transport } from '@libp2p/interface'

/**
 * Browsers dial relays over WebSockets (or WebTransport, where a relay
 * advertises it), reach other peers through circuit relay, and upgrade to a
 * direct WebRTC connection between tabs once the relay has carried the
 * signalling.
 */
export type TransportFactory = (components: any) => Transport

export function defaultTransports (): TransportFactory[] {
  return [webSockets(), webTransport(), webRTC(), circuitRelayTransport()]
}

export const DEFAULT_RELAY_LISTEN: string[] = []
// A relay reservation makes the tab reachable; /webrtc lets other tabs upgrade to a direct connection.
export const DEFAULT_PEER_LISTEN: string[] = ['/p2p-circuit', '/webrtc']
