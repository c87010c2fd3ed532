import type { MultiaddrConnection, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { hostBlock, isLocalIp, parseIp, parseIpRange, subnetBlock } from './ip-ranges.ts'
import type { IpRange } from './ip-ranges.ts'

/**
 * Who may hold a relay's connections (issue 14 §1). js-libp2p's defaults —
 * 300 connections, 10 handshakes at once, 5 new connections per second per
 * host — suit a home node, and its per-host rate counts 127.0.0.1 like any
 * stranger, so a one-machine mesh refused its own relays. A relay decides
 * here instead:
 *
 * - a total (`maxConnections`, connections held and handshakes in progress
 *   together), of which `reservedForRelays` slots only the network's
 *   certified relays may take, so a crowd of visitors cannot cut the mesh
 *   apart, and a cap on handshakes in progress (`maxPendingConnections`);
 * - per host (an IPv4 address, an IPv6 /64) and per subnet (IPv4 /24, IPv6
 *   /48): a cap on connections held and on handshakes in progress, and a
 *   token bucket of new connections (a burst, then a rate), so one address
 *   cannot fill the relay however it paces its dials;
 * - an allow list that skips every limit and a deny list that refuses.
 *
 * Loopback, private and link-local addresses skip the per-host and per-subnet
 * limits unless `limitLocalAddresses` is set: they are the operator's own
 * machine or network (a one-machine mesh, a reverse proxy, a container
 * bridge). The totals still apply to them. Behind a reverse proxy every
 * connection comes from the proxy's address: only the totals can apply there.
 */
export interface ConnectionLimitsInit {
  /** Connections held at most, inbound and outbound together. Default 2,048. */
  readonly maxConnections?: number
  /** Of which this many are kept for certified relays. Default an eighth of maxConnections, at most 128. */
  readonly reservedForRelays?: number
  /** Inbound connections still in their handshake (Noise, yamux) at once. Default 256. */
  readonly maxPendingConnections?: number
  /** Connections one host may hold. Default 128 (a NAT with a few dozen browser tabs). */
  readonly maxConnectionsPerIp?: number
  /** Connections one subnet may hold. Default twice maxConnectionsPerIp. */
  readonly maxConnectionsPerSubnet?: number
  /** Handshakes in progress from one host. Default a sixteenth of maxPendingConnections, at least 8. */
  readonly maxPendingPerIp?: number
  /** New connections per second one host may open, sustained. Default 20. */
  readonly inboundRatePerIp?: number
  /** New connections one host may open at once before the rate applies. Default 100. */
  readonly inboundBurstPerIp?: number
  /** Addresses or CIDR blocks (or /ip4, /ip6 multiaddrs) that skip every limit. */
  readonly allow?: readonly string[]
  /** Addresses or CIDR blocks that are always refused. */
  readonly deny?: readonly string[]
  /** Apply the per-host and per-subnet limits to loopback and private addresses too. Default false. */
  readonly limitLocalAddresses?: boolean
  /** Milliseconds on a monotonic clock; injectable for tests. */
  readonly now?: () => number
}

export const DEFAULT_MAX_CONNECTIONS = 2048
export const DEFAULT_MAX_PENDING_CONNECTIONS = 256
export const DEFAULT_MAX_CONNECTIONS_PER_IP = 128
export const DEFAULT_INBOUND_RATE_PER_IP = 20
export const DEFAULT_INBOUND_BURST_PER_IP = 100

/** The limits with every default filled in. */
export type ResolvedConnectionLimits = Required<Omit<ConnectionLimitsInit, 'allow' | 'deny' | 'now'>> & {
  readonly allow: readonly IpRange[]
  readonly deny: readonly IpRange[]
}

/** Fills in the defaults and checks the numbers; throws UsageError for a malformed allow or deny entry. */
export function resolveConnectionLimits (init: ConnectionLimitsInit = {}): ResolvedConnectionLimits {
  const maxConnections = whole(init.maxConnections, DEFAULT_MAX_CONNECTIONS, 1)
  const maxPendingConnections = whole(init.maxPendingConnections, DEFAULT_MAX_PENDING_CONNECTIONS, 1)
  const maxConnectionsPerIp = whole(init.maxConnectionsPerIp, Math.min(DEFAULT_MAX_CONNECTIONS_PER_IP, maxConnections), 1)
  return {
    maxConnections,
    reservedForRelays: Math.min(whole(init.reservedForRelays, Math.min(128, Math.floor(maxConnections / 8)), 0), maxConnections - 1),
    maxPendingConnections,
    maxConnectionsPerIp,
    maxConnectionsPerSubnet: whole(init.maxConnectionsPerSubnet, maxConnectionsPerIp * 2, 1),
    maxPendingPerIp: whole(init.maxPendingPerIp, Math.max(8, Math.floor(maxPendingConnections / 16)), 1),
    inboundRatePerIp: positive(init.inboundRatePerIp, DEFAULT_INBOUND_RATE_PER_IP),
    inboundBurstPerIp: whole(init.inboundBurstPerIp, DEFAULT_INBOUND_BURST_PER_IP, 1),
    limitLocalAddresses: init.limitLocalAddresses ?? false,
    allow: (init.allow ?? []).map(parseIpRange),
    deny: (init.deny ?? []).map(parseIpRange)
  }
}

function whole (value: number | undefined, fallback: number, min: number): number {
  return value === undefined || !Number.isFinite(value) ? fallback : Math.max(min, Math.floor(value))
}

function positive (value: number | undefined, fallback: number): number {
  return value === undefined || !(value > 0) ? fallback : value
}

/** Why a connection was refused; counted for the relay's metrics. */
export type RefusalReason = 'deny-list' | 'max-connections' | 'pending' | 'rate-per-ip' | 'pending-per-ip' | 'per-ip' | 'per-subnet' | 'reserved-for-relays'

/** What the limits need of the node: narrow, so they can be tested without one. */
export interface ConnectionLimitsContext {
  /** Connections the node holds now (open, inbound and outbound). */
  connectionCount (): number
  /** The roster's verdict: true a certified relay, false not, undefined not known yet (or no roster). */
  verdict (peer: PeerId): boolean | undefined
  /** Whether the node keeps a roster at all (without one, no slot is held back for relays). */
  hasRoster (): boolean
}

interface Tally { held: number, pending: number }
interface Bucket { tokens: number, at: number }

/** The admission decisions; ConnectionGuard (connection-guard.ts) plugs them into libp2p's gater. */
export class ConnectionLimits {
  readonly limits: ResolvedConnectionLimits
  readonly refused: Record<RefusalReason, number> = { 'deny-list': 0, 'max-connections': 0, pending: 0, 'rate-per-ip': 0, 'pending-per-ip': 0, 'per-ip': 0, 'per-subnet': 0, 'reserved-for-relays': 0 }
  /** Peers let into the reserved slots before the roster knew them: closed unless certified (see provisional()). */
  private readonly provisionalPeers = new Map<string, number>()
  private readonly hosts = new Map<string, Tally>()
  private readonly subnets = new Map<string, Tally>()
  private readonly buckets = new Map<string, Bucket>()
  /** Sockets admitted whose handshake has not ended. */
  private pending = 0
  /** Sockets still in their handshake, and how to count them as held once it is done. */
  private readonly pendingSettlers = new WeakMap<object, () => void>()
  private readonly now: () => number

  constructor (init: ConnectionLimitsInit = {}, private context?: ConnectionLimitsContext) {
    this.limits = resolveConnectionLimits(init)
    this.now = init.now ?? (() => performance.now())
  }

  /** Set once the node exists (the gater is made before it). */
  bind (context: ConnectionLimitsContext): void {
    this.context = context
  }

  /** Whether an address is on the allow list (it skips every limit, and is never pruned). */
  allowed (address: Multiaddr): boolean {
    const ip = ipOf(address)
    return ip !== undefined && this.limits.allow.some(range => range.contains(ip))
  }

  /**
   * A socket arrived, before any handshake: true to refuse it. Past the deny
   * list it must fit the total (connections held and handshakes in progress
   * together) and the handshakes in progress, then, from an address that is
   * limited, its host's and subnet's share and its host's rate. Counted as in
   * progress until its handshake ends (refusePeer), then as held until it
   * closes.
   */
  refuseSocket (maConn: Pick<MultiaddrConnection, 'remoteAddr' | 'addEventListener'>): boolean {
    const ip = ipOf(maConn.remoteAddr)
    if (ip !== undefined && this.limits.deny.some(range => range.contains(ip))) return this.refuse('deny-list')
    const allowed = ip !== undefined && this.limits.allow.some(range => range.contains(ip))
    if (!allowed) {
      if (this.pending >= this.limits.maxPendingConnections) return this.refuse('pending')
      if (this.context !== undefined && this.context.connectionCount() + this.pending >= this.limits.maxConnections) return this.refuse('max-connections')
    }
    const limited = ip !== undefined && !allowed && (this.limits.limitLocalAddresses || !isLocalIp(ip))
    const hostKey = limited ? hostBlock(ip) : undefined
    const subnetKey = limited ? subnetBlock(ip) : undefined
    const host = hostKey === undefined ? undefined : this.hosts.get(hostKey) ?? { held: 0, pending: 0 }
    const subnet = subnetKey === undefined ? undefined : this.subnets.get(subnetKey) ?? { held: 0, pending: 0 }
    if (host !== undefined && subnet !== undefined && hostKey !== undefined) {
      if (host.held + host.pending >= this.limits.maxConnectionsPerIp) return this.refuse('per-ip')
      if (subnet.held + subnet.pending >= this.limits.maxConnectionsPerSubnet) return this.refuse('per-subnet')
      if (host.pending >= this.limits.maxPendingPerIp) return this.refuse('pending-per-ip')
      if (!this.take(hostKey)) return this.refuse('rate-per-ip')
    }
    const tallies = [host, subnet].filter(tally => tally !== undefined)
    const count = (field: keyof Tally, delta: number): void => { for (const tally of tallies) tally[field] += delta }
    this.pending++
    count('pending', 1)
    if (hostKey !== undefined && host !== undefined) this.hosts.set(hostKey, host)
    if (subnetKey !== undefined && subnet !== undefined) this.subnets.set(subnetKey, subnet)
    let state: 'pending' | 'held' | 'closed' = 'pending'
    const settle = (next: 'held' | 'closed'): void => {
      if (state === 'closed' || state === next) return
      if (state === 'pending') {
        this.pending--
        count('pending', -1)
      } else {
        count('held', -1)
      }
      if (next === 'held') count('held', 1)
      state = next
      if (host !== undefined && host.held + host.pending === 0 && this.hosts.get(hostKey as string) === host) this.hosts.delete(hostKey as string)
      if (subnet !== undefined && subnet.held + subnet.pending === 0 && this.subnets.get(subnetKey as string) === subnet) this.subnets.delete(subnetKey as string)
    }
    maConn.addEventListener('close', () => { settle('closed') }, { once: true })
    this.pendingSettlers.set(maConn, () => { settle('held') })
    return false
  }

  /** Handshakes in progress now. */
  get inProgress (): number {
    return this.pending
  }

  /**
   * The handshake told who it is (Noise): true to refuse. Past the slots
   * strangers may use, only certified relays get in; a peer the roster does
   * not know yet gets in provisionally (a relay met for the first time) and
   * is closed unless its identify proves it certified (see provisional()).
   */
  refusePeer (peer: PeerId, maConn: Pick<MultiaddrConnection, 'remoteAddr'>): boolean {
    this.pendingSettlers.get(maConn)?.()
    this.pendingSettlers.delete(maConn)
    const context = this.context
    if (context === undefined || !context.hasRoster() || this.limits.reservedForRelays === 0) return false
    if (context.connectionCount() < this.limits.maxConnections - this.limits.reservedForRelays) return false
    if (this.allowed(maConn.remoteAddr)) return false
    const verdict = context.verdict(peer)
    if (verdict === true) return false
    // Half the reserved slots at most go to peers on probation: the rest stay for relays already known.
    if (verdict === undefined && this.provisionalPeers.size < Math.ceil(this.limits.reservedForRelays / 2)) {
      this.provisionalPeers.set(peer.toString(), this.now())
      return false
    }
    return this.refuse('reserved-for-relays')
  }

  /** Peers admitted on probation and when; the guard closes those the roster rejects or never vouches for. */
  provisional (): ReadonlyMap<string, number> {
    return this.provisionalPeers
  }

  /** The peer's probation ended (certified, or closed). */
  settleProvisional (peer: PeerId | string): void {
    this.provisionalPeers.delete(peer.toString())
  }

  /** Connections held and handshaking per host block, for status pages and tests. */
  heldBy (address: string): { held: number, pending: number } {
    const ip = parseIp(address)
    if (ip === undefined) return { held: 0, pending: 0 }
    return { ...(this.hosts.get(hostBlock(ip)) ?? { held: 0, pending: 0 }) }
  }

  private refuse (reason: RefusalReason): true {
    this.refused[reason]++
    return true
  }

  private take (key: string): boolean {
    const at = this.now()
    const { inboundBurstPerIp: burst, inboundRatePerIp: rate } = this.limits
    let bucket = this.buckets.get(key)
    if (bucket === undefined) {
      // Full buckets are forgotten: the map stays as small as the set of busy hosts.
      if (this.buckets.size >= 4096) for (const [id, old] of this.buckets) if (old.tokens + (at - old.at) / 1000 * rate >= burst) this.buckets.delete(id)
      bucket = { tokens: burst, at }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, at - bucket.at) / 1000 * rate)
    bucket.at = at
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }
}

/** The IP a multiaddr starts with, as bytes; undefined for relayed or DNS addresses. */
export function ipOf (address: Multiaddr): Uint8Array | undefined {
  const first = address.getComponents()[0]
  if (first === undefined || (first.name !== 'ip4' && first.name !== 'ip6') || first.value === undefined) return undefined
  return parseIp(first.value)
}
