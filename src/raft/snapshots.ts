import type { RaftConfig } from './config.ts'
import type { Election } from './election.ts'
import type { Follower } from './follower.ts'
import type { RaftListener } from './node-api.ts'
import type { Progress } from './replication.ts'
import type { StateMachine } from './state-machine.ts'
import type { RaftState } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { NodeId, Snapshot, SnapshotRequest } from './types.ts'

export interface SnapshotsComponents<C> {
  id: NodeId
  config: Pick<RaftConfig, 'electionTimeoutMs' | 'snapshotThreshold'>
  state: Pick<RaftState<C>, 'term' | 'role' | 'log' | 'snapshot' | 'commitIndex' | 'appliedIndex'>
  machine: Pick<StateMachine<C, unknown, unknown>, 'snapshot' | 'restore'>
  tasks: Pick<TaskQueue<C>, 'send' | 'saveSnapshot' | 'logEndsAt'>
  listeners: Iterable<Pick<RaftListener<C, unknown>, 'restored'>>
  election: Pick<Election<C>, 'heardFromLeader'>
  follower: Pick<Follower<C>, 'replyAppend'>
}

/**
 * Log compaction and InstallSnapshot (Raft §7): a node snapshots its state
 * machine once enough entries are applied and drops them from the log; a
 * leader sends the snapshot to a follower that needs an entry compacted away,
 * and the follower replaces its state with it.
 */
export class Snapshots<C> {
  constructor (private readonly components: SnapshotsComponents<C>) {}

  /** After applying: snapshots the state machine and compacts the log once snapshotThreshold entries were applied since the last snapshot. */
  compactIfDue (): void {
    const { state } = this.components
    if (state.appliedIndex - state.log.snapshotIndex >= this.components.config.snapshotThreshold) {
      const snapshot: Snapshot = { lastIndex: state.appliedIndex, lastTerm: state.log.termAt(state.appliedIndex) as number, data: this.components.machine.snapshot() }
      state.log.compact(snapshot.lastIndex, snapshot.lastTerm)
      state.snapshot = snapshot
      this.components.tasks.saveSnapshot(snapshot)
    }
  }

  /** The leader's side: sends its snapshot, at most once per T to the same follower unless it answered. */
  send (peer: NodeId, progress: Pick<Progress, 'snapshotSentAt'>, now: number): void {
    const { id, state } = this.components
    const snapshot = state.snapshot
    if (snapshot === undefined) throw new Error(`raft: ${id} has compacted its log but holds no snapshot`)
    if (progress.snapshotSentAt !== undefined && now - progress.snapshotSentAt < this.components.config.electionTimeoutMs) return
    progress.snapshotSentAt = now
    this.components.tasks.send({ type: 'snapshot', from: id, to: peer, term: state.term, snapshot, stamp: now })
  }

  /** The follower's side: replaces the state machine and the log with the leader's snapshot, unless it already has all of it committed. */
  onSnapshot (message: SnapshotRequest, now: number): void {
    const { id, state, tasks } = this.components
    if (state.role === 'leader') throw new Error(`raft safety: ${id} leads term ${state.term} and got a snapshot from ${message.from} for the same term`)
    this.components.election.heardFromLeader(message.from, now)
    const snapshot = message.snapshot
    if (snapshot.lastIndex <= state.commitIndex) {
      this.components.follower.replyAppend(message, true, snapshot.lastIndex)
      return
    }
    state.log.installSnapshot(snapshot.lastIndex, snapshot.lastTerm)
    this.components.machine.restore(snapshot.data)
    state.snapshot = snapshot
    tasks.saveSnapshot(snapshot)
    state.commitIndex = state.appliedIndex = snapshot.lastIndex
    tasks.logEndsAt(state.log.lastIndex)
    for (const listener of this.components.listeners) listener.restored?.({ lastIndex: snapshot.lastIndex, lastTerm: snapshot.lastTerm })
    this.components.follower.replyAppend(message, true, snapshot.lastIndex)
  }
}
