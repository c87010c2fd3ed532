import { hostBlock, isLocalIp, parseIp } from '../../src/net/ip-ranges.ts'
import type { HttpLimits } from './serve-types.ts'

export const DEFAULT_HTTP_MAX_CONNECTIONS = 1024
export const DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP = 64
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000

/** HttpLimits with every default filled in. */
export function resolveHttpLimits (limits: HttpLimits = {}): Required<HttpLimits> {
  return {
    maxConnections: limits.maxConnections ?? DEFAULT_HTTP_MAX_CONNECTIONS,
    maxConnectionsPerIp: limits.maxConnectionsPerIp ?? DEFAULT_HTTP_MAX_CONNECTIONS_PER_IP,
    headersTimeoutMs: limits.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: limits.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: limits.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS
  }
}

/** The slice of a socket (node:net) the cap uses. */
export interface CappedSocket {
  readonly remoteAddress?: string | undefined
  destroy (): void
  once (event: 'close', listener: () => void): unknown
}

/**
 * Caps the sockets an HTTP server holds (issue 14 §1: 24,000 slow-body
 * connections used up the relay's file descriptors and /health failed until
 * they left). Past the total, a socket is closed to make room: the oldest of
 * those that never got an answer (slow senders, idle openers), else the
 * oldest of all. Refusing newcomers instead would let whoever holds the
 * slots — the slow senders — keep them, and /health would be the one turned
 * away; sparing sockets that were answered keeps a monitor's keep-alive
 * connection through a flood. One address (an IPv6 /64) holds at most
 * maxConnectionsPerIp; loopback and private addresses are not counted per
 * address (a reverse proxy, the operator's own probes), only in the total.
 * Slow senders are also cut by the server's header and request timeouts
 * (serve.node.ts).
 */
export class ConnectionCap {
  /** Sockets that have had no answer yet, oldest first (a Set keeps insertion order). */
  private readonly unanswered = new Set<CappedSocket>()
  /** Sockets that have had an answer, oldest answered first. */
  private readonly answered = new Set<CappedSocket>()
  private readonly perHost = new Map<string, number>()
  /** Sockets refused (one address over its share) and closed to make room. */
  readonly counts = { refused: 0, evicted: 0 }

  constructor (private readonly limits: Pick<Required<HttpLimits>, 'maxConnections' | 'maxConnectionsPerIp'>) {}

  get size (): number {
    return this.unanswered.size + this.answered.size
  }

  /** A response on `socket` finished: it is a client being served, not a slot holder. */
  answeredOn (socket: CappedSocket): void {
    if (!this.unanswered.delete(socket) && !this.answered.delete(socket)) return
    this.answered.add(socket)
  }

  /** A socket was accepted: refuse it, or admit it (closing the oldest when full). */
  admit (socket: CappedSocket): void {
    const ip = parseIp(socket.remoteAddress ?? '')
    const host = ip === undefined || isLocalIp(ip) ? undefined : hostBlock(ip)
    if (host !== undefined && (this.perHost.get(host) ?? 0) >= this.limits.maxConnectionsPerIp) {
      this.counts.refused++
      socket.destroy()
      return
    }
    while (this.size >= this.limits.maxConnections) {
      const oldest = (this.unanswered.size > 0 ? this.unanswered : this.answered).values().next().value as CappedSocket
      this.forget(oldest, hostOf(oldest))
      this.counts.evicted++
      oldest.destroy()
    }
    this.unanswered.add(socket)
    if (host !== undefined) this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1)
    socket.once('close', () => { this.forget(socket, host) })
  }

  private forget (socket: CappedSocket, host: string | undefined): void {
    if (!(this.unanswered.delete(socket) || this.answered.delete(socket)) || host === undefined) return
    const left = (this.perHost.get(host) ?? 1) - 1
    if (left <= 0) this.perHost.delete(host)
    else this.perHost.set(host, left)
  }
}

function hostOf (socket: CappedSocket): string | undefined {
  const ip = parseIp(socket.remoteAddress ?? '')
  return ip === undefined || isLocalIp(ip) ? undefined : hostBlock(ip)
}
