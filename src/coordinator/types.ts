import type { GenerationResult, Priority } from '../raft/queue-commands.ts'
import type { RequestState } from '../raft/queue-machine.ts'
import type { Role } from '../raft/types.ts'

/**
 * What a submit resolves with: the request is committed on a majority of
 * voters. `outcome` says what the queue did with it: queued it, knew the id
 * already (a client's retry), or pointed it at an earlier request for the
 * same address, source hash and generator version (`canonicalId`), whose
 * state and result, if any, come with the answer.
 */
export interface Ack {
  readonly requestId: string
  readonly canonicalId: string
  readonly outcome: 'queued' | 'duplicate' | 'deduplicated'
  /** The canonical request's state when the leader answered. */
  readonly state: RequestState
  readonly result?: GenerationResult & { readonly term: number }
  readonly failure?: string
  /** The leader term that acknowledged it. */
  readonly term: number
}

/** A request that is finished, one way or the other (what waitFor resolves with). */
export interface RequestOutcome {
  readonly requestId: string
  readonly canonicalId: string
  readonly state: 'done' | 'failed'
  readonly result?: GenerationResult & { readonly term: number }
  readonly failure?: string
}

/**
 * One voter as this node sees it. The leader's view is the one that counts:
 * `matchIndex` is the last log index the voter confirmed in the current term,
 * `lastContactMs` how long ago any message of it arrived (undefined: never).
 */
export interface VoterState {
  readonly id: string
  readonly self: boolean
  readonly matchIndex: number | undefined
  readonly lastContactMs: number | undefined
}

export interface CoordinatorStatus {
  readonly id: string
  readonly role: Role
  readonly term: number
  readonly leader: string | undefined
  /** This voter leads and holds the lease: it hands out work and answers alone. */
  readonly lease: boolean
  readonly commitIndex: number
  readonly appliedIndex: number
  readonly voters: readonly VoterState[]
  readonly queue: {
    readonly pending: Readonly<Record<Priority, number>>
    readonly inFlight: number
    readonly done: number
    readonly failed: number
    /** Request ids deduplicated to an earlier request. */
    readonly aliases: number
  }
  /** Requests this voter is working on now (0 unless it leads). */
  readonly working: number
  /** Set once the Raft node stopped on an error it cannot go on from (storage failed). */
  readonly failure?: string
}

/** Outcomes of one attempt at one request's work, for metrics. */
export type GenerationOutcome = 'done' | 'error' | 'aborted' | 'fenced'

/** What a coordinator reports for metrics and logs. */
export type CoordinatorEvent =
  | { readonly type: 'role', readonly role: Role, readonly term: number, readonly leader: string | undefined }
  /** This voter started an election (it won its PreVote round and became a candidate). */
  | { readonly type: 'election', readonly term: number }
  /** A leader became known to this voter: itself, or another. */
  | { readonly type: 'leader', readonly term: number, readonly leader: string }
  | { readonly type: 'term', readonly term: number, readonly previous: number }
  /** One attempt at one request's work finished; `ms` from start to end on the monotonic clock. */
  | { readonly type: 'generation', readonly requestId: string, readonly term: number, readonly outcome: GenerationOutcome, readonly ms: number, readonly error?: Error }
  /** The Raft node stopped on an error it cannot go on from; the coordinator answers NoLeaderError from then on. */
  | { readonly type: 'failed', readonly error: Error }
