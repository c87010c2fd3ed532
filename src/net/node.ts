import { noise } from '@libp2p/noise'
import { yamux } from '@libp2p/yamux'
import { circuitRelayServer } from '@libp2p/circuit-relay-v2'
import { identify } from '@libp2p/identify'
import { kadDHT, passthroughMapper, removePrivateAddressesMapper } from '@libp2p/kad-dht'
import type { KadDHT } from '@libp2p/kad-dht'
import { ping } from '@libp2p/ping'
import type { ConnectionGater, Libp2p, PrivateKey } from '@libp2p/interface'
import { createLibp2p } from 'libp2p'
import { noiseCrypto } from '#noise-crypto'
import { DEFAULT_PEER_LISTEN, DEFAULT_RELAY_LISTEN, defaultTransports } from '#transports'
import type { TransportFactory } from '#transports'
import { relayAgentVersion } from '../trust/relay-certificate.ts'
import type { RelayCertificate } from '../trust/relay-certificate.ts'
import { ConnectionGuard } from './connection-guard.ts'
import type { ConnectionGuardInit } from './connection-guard.ts'
import { lazyLogger } from './lazy-logger.ts'
import { attachRelayRoster } from './relay-roster.ts'
import { batchSocketWrites, socketOf } from './write-batching.ts'

export const DHT_PROTOCOL = '/slurp/kad/1.0.0'

/**
 * How often a peer pings each connection (js-libp2p's connection monitor;
 * its default is 10 s). A relay answers every peer's pings: with a thousand
 * tabs at 10 s that was a third of a relay's CPU and tripled its p99 in
 * `npm run bench:load` (issue 14 §1). A dead relay connection is still found
 * within half a minute, and KeepConnected redials it.
 */
export const PEER_PING_INTERVAL_MS = 30_000

export type NodeKind = 'relay' | 'peer'

export interface SlurpNodeInit {
  kind: NodeKind
  /** Keeps the peer id across restarts; a new one is made when absent. */
  privateKey?: PrivateKey
  listen?: string[]
  /** Multiaddrs announced instead of the listening ones (public addresses behind NAT). */
  announce?: string[]
  /** Keep loopback and private addresses in the DHT (tests, one-machine setups). Default true. */
  allowPrivateAddresses?: boolean
  transports?: TransportFactory[]
  /** Relays: how many circuit-relay reservations to hold at once. */
  maxReservations?: number
  /** Milliseconds before the first DHT self-query (kad-dht waits 1 s by default). */
  initialQuerySelfInterval?: number
  connectionGater?: Record<string, unknown>
  /** The network root: with it the node keeps a roster of certified relays (see relay-roster.ts). */
  rootPublicKey?: Uint8Array
  /** Relays: the root's certificate for this node's peer id, announced through identify. */
  relayCertificate?: RelayCertificate
  /**
   * Relays: who may hold connections (totals, per host and subnet, slots kept
   * for certified relays, allow and deny lists), idle pruning and liveness
   * pings; see connection-guard.ts. Defaults sized for a small server.
   * Peers keep js-libp2p's defaults.
   */
  connections?: ConnectionGuardInit
}

// A type alias, not an interface: libp2p's ServiceMap needs an index signature.
export type SlurpServices = {
  dht: KadDHT
  identify: unknown
  ping: unknown
  relay?: unknown
  /** Relays only. */
  connectionGuard?: ConnectionGuard
}

export type SlurpLibp2p = Libp2p<SlurpServices>

/**
 * A libp2p node for either role: relays run kad-dht in server mode and the
 * circuit-relay server; peers run kad-dht as clients. Not started.
 */
export async function createSlurpNode (init: SlurpNodeInit): Promise<SlurpLibp2p> {
  const relay = init.kind === 'relay'
  const services: Record<string, any> = {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({
      protocol: DHT_PROTOCOL,
      // Relays must say so: on 127.0.0.1 kad-dht would otherwise stay a client.
      clientMode: !relay,
      peerInfoMapper: init.allowPrivateAddresses === false ? removePrivateAddressesMapper : passthroughMapper,
      initialQuerySelfInterval: init.initialQuerySelfInterval ?? 100,
      allowQueryWithZeroPeers: false
    })
  }
  // A relay's connection policy is its own (js-libp2p's defaults suit a home node: issue 14 §1).
  const guard = relay ? new ConnectionGuard(init.connections) : undefined
  if (guard !== undefined) services.connectionGuard = guard.service()
  const gating = guard?.libp2pOptions(init.connectionGater as ConnectionGater | undefined) ??
    (init.connectionGater === undefined ? {} : { connectionGater: init.connectionGater })
  if (relay) {
    services.relay = circuitRelayServer({
      // libp2p's default of 15 reservations for 2 h suits a home node, not a relay.
      reservations: { maxReservations: init.maxReservations ?? 1024, reservationTtl: 2 * 3_600_000 }
    })
  }
  const node = await createLibp2p({
    start: false,
    logger: lazyLogger(),
    ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
    addresses: {
      listen: init.listen ?? (relay ? DEFAULT_RELAY_LISTEN : DEFAULT_PEER_LISTEN),
      ...(init.announce === undefined ? {} : { announce: init.announce })
    },
    transports: init.transports ?? defaultTransports(),
    connectionEncrypters: [noise(noiseCrypto === undefined ? {} : { crypto: noiseCrypto })],
    // Relays leave keep-alive to their peers and to the guard's pinger: yamux's own ping
    // every 30 s on every connection is a frame and a write per connection for nothing.
    streamMuxers: [yamux(relay && guard?.pinger !== undefined ? { enableKeepAlive: false } : {})],
    ...gating,
    ...(relay ? {} : { connectionMonitor: { pingInterval: PEER_PING_INTERVAL_MS } }),
    ...(init.relayCertificate === undefined ? {} : { nodeInfo: { userAgent: relayAgentVersion(init.relayCertificate) } }),
    services
  })
  node.addEventListener('connection:open', event => { batchSocketWrites(socketOf(event.detail)) })
  const roster = init.rootPublicKey === undefined ? undefined : attachRelayRoster(node, { rootPublicKey: init.rootPublicKey })
  guard?.attach(node, roster)
  return node as unknown as SlurpLibp2p
}
