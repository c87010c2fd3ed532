/**
 * The data a Raft node keeps and sends. Commands are opaque to consensus (the
 * state machine gives them meaning); they must survive JSON, because that is
 * how storage and the wire carry them.
 */

/** A voter's id: the wiring decides what it is (a peer id, a member key). */
export type NodeId = string

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader'

/**
 * One log entry. `command` undefined is the no-op a new leader appends: it
 * commits the entries of earlier terms (Raft §5.4.2 forbids counting replicas
 * for those) and tells the state machine that a new term began.
 */
export interface Entry<C = unknown> {
  readonly index: number
  readonly term: number
  readonly command?: C
}

/** What must be on disk before the node answers anyone (Raft Figure 2, "persistent state"). */
export interface HardState {
  readonly term: number
  readonly votedFor?: NodeId
}

/** The state machine serialised at `lastIndex`: compaction on disk, and the state transfer to a follower that is too far behind. */
export interface Snapshot {
  readonly lastIndex: number
  readonly lastTerm: number
  readonly data: Uint8Array
}

/**
 * RequestVote. `pre` is the PreVote round (Raft thesis §9.6): it asks "would you
 * vote for me at `term`?" without anyone changing term, so a node cut off from
 * the others cannot force a new election when it comes back.
 */
export interface VoteRequest {
  readonly type: 'vote'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly pre: boolean
  readonly lastLogIndex: number
  readonly lastLogTerm: number
}

export interface VoteReply {
  readonly type: 'vote-reply'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly pre: boolean
  readonly granted: boolean
}

/**
 * AppendEntries, also the heartbeat. `stamp` is the leader's monotonic clock
 * when it sent this; the reply echoes it, so the leader knows when a majority
 * last accepted it (its lease) without trusting anyone else's clock.
 */
export interface AppendRequest<C = unknown> {
  readonly type: 'append'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly prevLogIndex: number
  readonly prevLogTerm: number
  readonly entries: ReadonlyArray<Entry<C>>
  readonly leaderCommit: number
  readonly stamp: number
}

/** InstallSnapshot, in one message: the queue's state is small enough not to need chunks. */
export interface SnapshotRequest {
  readonly type: 'snapshot'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly snapshot: Snapshot
  readonly stamp: number
}

/**
 * The answer to both AppendEntries and InstallSnapshot. On success `matchIndex`
 * is the last index known to match the leader's log; on failure the conflict
 * hints let the leader skip a whole term per round trip instead of one entry.
 */
export interface AppendReply {
  readonly type: 'append-reply'
  readonly from: NodeId
  readonly to: NodeId
  readonly term: number
  readonly success: boolean
  readonly matchIndex: number
  /** The first index the follower holds of `conflictTerm`, or its last index + 1 when its log is too short. */
  readonly conflictIndex?: number
  readonly conflictTerm?: number
  readonly stamp: number
}

export type RaftMessage<C = unknown> = VoteRequest | VoteReply | AppendRequest<C> | SnapshotRequest | AppendReply
