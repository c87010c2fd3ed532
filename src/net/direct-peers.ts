import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Connection } from '@libp2p/interface'
import { NetworkError, UsageError } from '../errors.ts'
import { knownRelays } from './closest.ts'
import type { SlurpLibp2p } from './node.ts'

/** A peer (not a relay) this node is connected to. */
export interface PeerLink {
  readonly peerId: string
  readonly address: string
  /** webrtc, circuit-relay, tcp, ws, wss or webtransport. */
  readonly transport: string
  /** False while the traffic goes through a relay (a limited connection). */
  readonly direct: boolean
}

export function transportOf (address: string): string {
  if (address.includes('/webrtc')) return 'webrtc'
  if (address.includes('/p2p-circuit')) return 'circuit-relay'
  if (address.includes('/webtransport')) return 'webtransport'
  if (address.includes('/wss') || address.includes('/tls/ws')) return 'wss'
  if (address.includes('/ws')) return 'ws'
  return 'tcp'
}

function linkOf (connection: Connection): PeerLink {
  const address = connection.remoteAddr.toString()
  return { peerId: connection.remotePeer.toString(), address, transport: transportOf(address), direct: connection.limits === undefined }
}

/** How long one attempt at a direct connection may take before it is tried again. */
export const CONNECT_ATTEMPT_MS = 10_000
const CONNECT_ATTEMPTS = 3

/**
 * Dials another peer by a multiaddr it shared, such as a browser tab's
 * `/…/p2p/RELAY/p2p-circuit/webrtc/p2p/TAB`: the relay carries the WebRTC
 * signalling, then the two talk directly.
 *
 * An attempt that fails is made again. @libp2p/webrtc 6.0.33's dialling
 * side can wait forever for its first data channel to open or close when the
 * other side, already connected, opened and closed it first: it checks the
 * channel's state only after events it no longer gets (the browser↔browser
 * test hung this way about once in twenty runs on a busy machine). Dialling
 * again starts a fresh handshake.
 */
export async function connectPeer (node: SlurpLibp2p, address: string, options: { signal?: AbortSignal, attemptMs?: number } = {}): Promise<PeerLink> {
  let target: Multiaddr
  try {
    target = multiaddr(address.trim())
  } catch (error) {
    throw new UsageError(`"${address}" is not a peer address (a multiaddr such as /ip4/…/p2p-circuit/webrtc/p2p/12D3…)`, { cause: error })
  }
  if (target.getComponents().at(-1)?.name !== 'p2p') throw new UsageError('a peer address must end with /p2p/ and the peer id')
  const attemptMs = options.attemptMs ?? CONNECT_ATTEMPT_MS
  const overall = options.signal ?? AbortSignal.timeout(CONNECT_ATTEMPTS * attemptMs)
  for (let attempt = 1; ; attempt++) {
    const timeout = AbortSignal.timeout(attemptMs)
    try {
      return linkOf(await node.dial(target, { signal: AbortSignal.any([overall, timeout]) }))
    } catch (error) {
      // Whatever gave up (this attempt's time, libp2p's own per-address dial
      // timeout, a handshake error), a fresh attempt may get through; only the
      // caller giving up ends it early.
      const again = !overall.aborted && attempt < CONNECT_ATTEMPTS
      if (!again) throw new NetworkError(`could not connect to ${address}${attempt > 1 ? ` (${attempt} attempts)` : ''}: ${(error as Error).message}`, { cause: error })
    }
  }
}

/** Peers this node is connected to other than relays, a direct connection first for each. */
export async function directPeers (node: SlurpLibp2p): Promise<PeerLink[]> {
  const relays = new Set((await knownRelays(node)).map(String))
  const links = new Map<string, PeerLink>()
  for (const connection of node.getConnections()) {
    const link = linkOf(connection)
    if (relays.has(link.peerId)) continue
    const seen = links.get(link.peerId)
    if (seen === undefined || (!seen.direct && link.direct)) links.set(link.peerId, link)
  }
  return [...links.values()]
}
