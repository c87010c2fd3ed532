import type { WriteAdmission } from '../../src/admission/write-admission.ts'
import type { RelayNode } from '../../src/relay.ts'

/**
 * What the HTTP app needs of a relay. A structural type, so the app also runs
 * as a standalone gateway in front of anything shaped like a RelayNode.
 */
export type RelayLike = Pick<RelayNode, 'keeper' | 'libp2p' | 'running' | 'startedAt' | 'currentPolicy' | 'multiaddrs'> & {
  /** A relay's replication manager; a standalone gateway has none. */
  readonly replication?: Pick<RelayNode['replication'], 'summary'> & Partial<Pick<RelayNode['replication'], 'fetchKey'>>
  /**
   * The relay's checks before a first-hand write (free space, per-member
   * quotas), shared with its record protocol so a member's quota is one per
   * relay. Without one the app makes its own from the policy's quotas.
   */
  readonly admission?: Pick<WriteAdmission, 'admit'> & Partial<Pick<WriteAdmission, 'refused'>>
  /** The relay's audit log, served at /v1/audit/* (relay/http/audit.ts); a standalone gateway has none. */
  readonly audit?: Pick<RelayNode['audit'], 'log' | 'latest' | 'latestWitnessed' | 'witness'>
}

export function uptimeSeconds (relay: RelayLike): number {
  return Math.max(0, Math.floor((Date.now() - relay.startedAt) / 1000))
}

/**
 * kad-dht 16's KadDHT class has a public `routingTable` with a `size` getter,
 * but the KadDHT interface the service is typed as does not declare it, hence
 * the structural look-up. Should a later version move it, the peers this node
 * is connected to are the nearest honest stand-in.
 */
export function routingTableSize (relay: RelayLike): number {
  const dht = relay.libp2p.services.dht as unknown as { routingTable?: { size?: unknown } }
  const size = dht.routingTable?.size
  return typeof size === 'number' ? size : relay.libp2p.getPeers().length
}
