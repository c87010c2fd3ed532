import type { GenerationStamp } from '../record/generation.ts'
import type { VectorClock } from '../clock/vector-clock.ts'
import type { ContextItem } from '../record/context-item.ts'
import type { ContentType } from '../roles/authority.ts'

/** What a peer's calls take and return (src/peer.ts). */

export interface PutOptions {
  /** The role to write as: the record is encrypted to readersOf(as). */
  readonly as: string
  readonly type?: ContentType
  /**
   * Store only what the address does not inherit from its ancestors (list
   * entries and metadata they hold, an equal purpose), from the levels every
   * reader of this write can read too. resolve() gives back the whole item.
   */
  readonly inherit?: boolean
  /**
   * The elected leader's result for another role (issue 13): written as
   * `as` (the leader role), encrypted to the readers of `generation.forRole`
   * plus the leader role, fenced by term and request id.
   */
  readonly generation?: GenerationStamp
  readonly signal?: AbortSignal
}

export interface PutResult {
  readonly address: string
  readonly key: string
  /** The new version's vector clock. */
  readonly version: VectorClock
  /** Relays that acknowledged (stored, replaced, kept as sibling, or already had it). */
  readonly replicas: number
  readonly target: number
}

export interface RecordMeta {
  readonly key: string
  readonly version: VectorClock
  readonly author: string
  readonly role: string
  readonly contentType: string
  readonly created: number
  readonly updated: number
  /** Relays that returned this version. */
  readonly replicas: number
  /** The held role whose key opened it. */
  readonly readAs: string
}

export interface Conflict {
  readonly meta: Omit<RecordMeta, 'readAs' | 'replicas'>
  /** The sibling's content, when a held role can read it. */
  readonly item?: ContextItem
}

export interface GetResult {
  readonly item: ContextItem
  readonly meta: RecordMeta
  /** Concurrent versions that lost the deterministic choice; empty when there is no conflict. */
  readonly conflicts: readonly Conflict[]
  /** When this copy was read from the relays (ms since the epoch). */
  readonly fetchedAt: number
  /** Served from this device's cache because no relay answered (offlineReads). */
  readonly offline?: boolean
}

/** One author's suggestion for an address (suggestions()). */
export interface Suggestion {
  readonly item: ContextItem
  readonly meta: RecordMeta
}

/** What search() matches; every field given must match. */
export interface SearchQuery {
  /** Words that must all appear (case-insensitive) in the address, summary, purpose, body, tags, technologies or insights. */
  readonly text?: string
  readonly project?: string
  /** The role that wrote it. */
  readonly role?: string
  readonly type?: ContentType
  /** Updated at or after / before these times (ms since the epoch). */
  readonly since?: number
  readonly until?: number
  readonly limit?: number
  readonly signal?: AbortSignal
}

/** Fired (as a CustomEvent named "update") when a read finds a version the cache did not have. */
export interface UpdateDetail {
  readonly address: string
  readonly result: GetResult
}

export type Health = 'healthy' | 'degraded' | 'critical'

/** Seed 003's ReplicationStatus. */
export interface ReplicationStatus {
  readonly address: string
  readonly key: string
  /** healthy: ≥ target replicas; degraded: 1 to target-1; critical: none found. */
  readonly health: Health
  readonly replicas: number
  readonly target: number
  /** Relays (of the closest asked) that hold a valid version. */
  readonly holders: readonly string[]
  /** Relays that answered but hold nothing. */
  readonly missing: readonly string[]
  /** Relays that could not be asked. */
  readonly unreachable: readonly string[]
  /** The winning version's clock, or null when nothing is stored. */
  readonly version: VectorClock | null
  /** How many concurrent versions besides the winner exist. */
  readonly conflicts: number
  /** Whether every holder holds exactly the same versions. */
  readonly consistent: boolean
}

export interface GetOptions {
  /** Read as this role only (default: any held role). */
  readonly as?: string
  readonly signal?: AbortSignal
}
