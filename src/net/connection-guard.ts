import type { Connection, ConnectionGater, Libp2p, PeerId } from '@libp2p/interface'
import type { ConnectionManagerInit, ConnectionMonitorInit } from 'libp2p'
import { ConnectionActivity } from './connection-activity.ts'
import { ConnectionLimits } from './connection-limits.ts'
import type { ConnectionLimitsInit } from './connection-limits.ts'
import { ConnectionPinger } from './connection-pinger.ts'
import type { ConnectionPingerInit } from './connection-pinger.ts'
import type { RelayRoster } from './relay-roster.ts'

export interface ConnectionGuardInit extends ConnectionLimitsInit {
  /**
   * An inbound connection that opened nothing but identify and ping for this
   * long is closed (0: never). Certified relays, allow-listed addresses and
   * peers holding a circuit reservation are kept. Default 5 minutes.
   */
  readonly idleMs?: number
  /** How often idle connections and peers on probation are looked at. Default 15 s. */
  readonly sweepMs?: number
  /** A peer let into the slots kept for relays must prove itself a certified relay within this. Default 10 s. */
  readonly probationMs?: number
  /** A socket must finish its handshake (Noise, yamux) within this. Default 10 s (libp2p's). */
  readonly inboundUpgradeTimeoutMs?: number
  /** The staggered pinger's settings, or false to keep js-libp2p's connection monitor. */
  readonly pinger?: ConnectionPingerInit | false
}

export const DEFAULT_IDLE_MS = 5 * 60_000
/** setInterval treats anything longer as 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1

/** What a libp2p service is given: the parts of the node the guard follows. */
interface GuardComponents {
  readonly events: EventTarget
  readonly connectionManager: {
    getConnections: () => Connection[]
    /**
     * Connections by peer. Read instead of getConnections(), which builds its
     * list by concatenating one array per peer (quadratic: with a thousand
     * peers, each call copies half a million entries).
     */
    getConnectionsMap?: () => { values: () => Iterable<Connection[]> }
  }
}

/**
 * A relay's connection policy, put together: admission (connection-limits.ts,
 * through libp2p's connection manager and gater), the pruning of connections
 * that hold a slot without using it and of strangers that took a slot kept
 * for relays, and liveness pings spread over time (connection-pinger.ts)
 * instead of js-libp2p's all-at-once monitor. Runs as a libp2p service, so it
 * starts and stops with the node; see createSlurpNode for the wiring.
 */
export class ConnectionGuard {
  readonly limits: ConnectionLimits
  readonly activity: ConnectionActivity
  readonly pinger: ConnectionPinger | undefined
  readonly idleMs: number
  /** Connections this guard closed: idle ones, and strangers whose probation in the reserved slots failed. */
  readonly closed = { idle: 0, probation: 0 }
  private readonly sweepMs: number
  private readonly probationMs: number
  private readonly now: () => number
  private components: GuardComponents | undefined
  private roster: RelayRoster | undefined
  private hasReservation: (peer: PeerId) => boolean = () => false
  private timer: ReturnType<typeof setInterval> | undefined
  private controller: AbortController | undefined
  /** Connections open now, inbound and outbound (libp2p's connection:open less connection:close). */
  private open = 0

  constructor (private readonly init: ConnectionGuardInit = {}) {
    this.now = init.now ?? (() => performance.now())
    this.limits = new ConnectionLimits(init)
    this.activity = new ConnectionActivity(this.now)
    this.idleMs = init.idleMs ?? DEFAULT_IDLE_MS
    this.sweepMs = init.sweepMs ?? 15_000
    this.probationMs = init.probationMs ?? 10_000
    this.pinger = init.pinger === false
      ? undefined
      : new ConnectionPinger({ connections: () => this.connections(), activity: this.activity }, { now: this.now, ...init.pinger })
  }

  /**
   * What createLibp2p takes from the guard; `gater` is the caller's own, run
   * first. Every admission rule is the guard's (in the gater): libp2p's own
   * check — pending handshakes, a per-host rate that cannot tell loopback
   * from a stranger, the total — is skipped by allow-listing every address
   * in libp2p's connection manager, because it counts the connections by
   * concatenating one array per peer for every socket that arrives
   * (quadratic: with 2,000 connections each new socket cost milliseconds,
   * which a flood turns into a stalled relay). A side effect: libp2p's pruner
   * never closes a connection (it spares allow-listed ones); inbound
   * connections are held under the total by the gater instead, and the
   * relay's own dials are few.
   */
  libp2pOptions (gater: ConnectionGater = {}): { connectionManager: ConnectionManagerInit, connectionMonitor: ConnectionMonitorInit, connectionGater: ConnectionGater } {
    const { limits } = this.limits
    return {
      connectionManager: {
        maxConnections: limits.maxConnections,
        maxIncomingPendingConnections: limits.maxPendingConnections,
        allow: ['/ip4/0.0.0.0/ipcidr/0', '/ip6/::/ipcidr/0'],
        ...(this.init.inboundUpgradeTimeoutMs === undefined ? {} : { inboundUpgradeTimeout: this.init.inboundUpgradeTimeoutMs })
      },
      connectionMonitor: { enabled: this.pinger === undefined },
      connectionGater: {
        ...gater,
        denyInboundConnection: async maConn => (await gater.denyInboundConnection?.(maConn)) === true || this.limits.refuseSocket(maConn),
        denyInboundEncryptedConnection: async (peer, maConn) => (await gater.denyInboundEncryptedConnection?.(peer, maConn)) === true || this.limits.refusePeer(peer, maConn)
      }
    }
  }

  /** The libp2p service that gives the guard its node's events and connections, and starts and stops it with the node. */
  service (): (components: GuardComponents) => ConnectionGuard {
    return components => {
      this.components = components
      this.limits.bind({
        // Counted from libp2p's open and close events: walking the connections for every socket would cost a flood's worth of loops.
        connectionCount: () => this.open,
        verdict: peer => this.roster?.verdict(peer),
        hasRoster: () => this.roster !== undefined
      })
      return this
    }
  }

  /** The roster that tells certified relays, and the circuit-relay server's reservations (kept from idle pruning). */
  attach (node: Libp2p, roster: RelayRoster | undefined): void {
    this.roster = roster
    const relay = (node.services as { relay?: { reservations?: { has: (peer: PeerId) => boolean } } }).relay
    if (relay?.reservations !== undefined) this.hasReservation = peer => relay.reservations?.has(peer) === true
  }

  readonly [Symbol.toStringTag] = 'slurp:connection-guard'

  /** Idempotent; libp2p calls it as the node starts. */
  start (): void {
    if (this.controller !== undefined) return
    this.controller = new AbortController()
    this.components?.events.addEventListener('connection:open', this.onOpen)
    this.components?.events.addEventListener('connection:close', this.onClose)
    const existing = this.connections()
    this.open = existing.length
    for (const connection of existing) this.activity.track(connection)
    this.pinger?.start()
    this.timer = setInterval(() => { this.sweep().catch(() => {}) }, Math.min(this.sweepMs, MAX_TIMER_MS))
  }

  /** Idempotent. */
  stop (): void {
    this.controller?.abort()
    this.controller = undefined
    this.components?.events.removeEventListener('connection:open', this.onOpen)
    this.components?.events.removeEventListener('connection:close', this.onClose)
    this.pinger?.stop()
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * One look at every connection: closes peers whose probation in the
   * reserved slots failed (the roster says they are no relay, or said nothing
   * within probationMs) and inbound connections idle for idleMs. Resolves,
   * with how many it closed, once they are closed.
   */
  async sweep (): Promise<number> {
    const now = this.now()
    const closing: Array<Promise<void>> = []
    for (const [id, since] of this.limits.provisional()) {
      const connections = this.connections().filter(connection => connection.remotePeer.toString() === id)
      if (connections.length === 0) { this.limits.settleProvisional(id); continue }
      const verdict = this.roster?.verdict(connections[0]!.remotePeer)
      if (verdict === true) { this.limits.settleProvisional(id); continue }
      if (verdict === false || now - since >= this.probationMs) {
        this.limits.settleProvisional(id)
        this.closed.probation += connections.length
        closing.push(...connections.map(async connection => { await close(connection) }))
      }
    }
    if (this.idleMs > 0) {
      for (const connection of this.connections()) {
        if (!this.prunable(connection) || this.activity.idleFor(connection) < this.idleMs) continue
        this.closed.idle++
        closing.push(close(connection))
      }
    }
    await Promise.all(closing)
    return closing.length
  }

  private prunable (connection: Connection): boolean {
    return connection.direction === 'inbound' &&
      connection.status === 'open' &&
      !this.limits.allowed(connection.remoteAddr) &&
      this.roster?.isCertified(connection.remotePeer) !== true &&
      !this.hasReservation(connection.remotePeer)
  }

  private connections (): Connection[] {
    const manager = this.components?.connectionManager
    const byPeer = manager?.getConnectionsMap?.()
    if (byPeer === undefined) return manager?.getConnections() ?? []
    const all: Connection[] = []
    for (const list of byPeer.values()) for (const connection of list) all.push(connection)
    return all
  }

  private readonly onOpen = (event: Event): void => {
    this.open++
    const connection = (event as CustomEvent<Connection>).detail
    this.activity.track(connection)
    const peer = connection.remotePeer
    if (!this.limits.provisional().has(peer.toString()) || this.roster === undefined || this.controller === undefined) return
    // Identify brings the certificate within moments; the sweep catches a peer that never sends one.
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.probationMs)])
    this.roster.untilChecked(peer, signal).then(verdict => {
      if (verdict === undefined || !this.limits.provisional().has(peer.toString())) return
      this.limits.settleProvisional(peer)
      if (verdict) return
      const connections = this.connections().filter(c => c.remotePeer.equals(peer))
      this.closed.probation += connections.length
      for (const c of connections) close(c).catch(() => {})
    }).catch(() => {})
  }

  private readonly onClose = (event: Event): void => {
    this.open = Math.max(0, this.open - 1)
    const peer = (event as CustomEvent<Connection>).detail.remotePeer
    if (this.limits.provisional().has(peer.toString()) && this.connections().every(c => !c.remotePeer.equals(peer))) this.limits.settleProvisional(peer)
  }
}

async function close (connection: Connection): Promise<void> {
  try {
    await connection.close({ signal: AbortSignal.timeout(2000) })
  } catch (error) {
    connection.abort(error as Error)
  }
}
