import { RaftLog } from './raft-log.ts'
import type { NodeId, Role, Snapshot } from './types.ts'

/**
 * The Raft state the parts of a node share (Figure 2). One plain object that
 * every part reads and changes in place, each through a `Pick` naming the
 * fields it needs, so a part's components say what it touches.
 */
export interface RaftState<C> {
  // Persistent, mirrored on disk by the end of each task (see TaskQueue).
  term: number
  votedFor: NodeId | undefined
  log: RaftLog<C>
  snapshot: Snapshot | undefined

  // Volatile.
  role: Role
  leader: NodeId | undefined
  commitIndex: number
  appliedIndex: number
  /** The current term's no-op: a new leader serves reads and claims only once it is applied. */
  termStartIndex: number
  /** When this node became leader of the current term: echoes of older stamps prove nothing about this term. */
  leaderSince: number
}

/** Who this node is among the voters. */
export interface Membership {
  readonly id: NodeId
  /** The other voters. */
  readonly peers: readonly NodeId[]
  /** Votes (or acknowledgements) that make a majority, this node's own included. */
  readonly quorum: number
}

export function initialState<C> (): RaftState<C> {
  return {
    term: 0,
    votedFor: undefined,
    log: new RaftLog<C>(),
    snapshot: undefined,
    role: 'follower',
    leader: undefined,
    commitIndex: 0,
    appliedIndex: 0,
    termStartIndex: Infinity,
    leaderSince: Infinity
  }
}

/** Role changes touch every part (timers, progress, proposals), so the node makes them; parts ask for them through this. */
export interface RoleChanges {
  /** Adopts `term` if it is newer (forgetting the vote) and follows `leader` (undefined: not known yet). */
  becomeFollower: (term: number, leader: NodeId | undefined, now: number) => void
  becomeLeader: (now: number) => void
  /** Tells the listeners when role, term or leader changed since the last call. */
  notify: () => void
}
