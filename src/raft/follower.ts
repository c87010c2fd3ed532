import type { Election } from './election.ts'
import type { RaftState } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { AppendReply, AppendRequest, Entry, NodeId, SnapshotRequest } from './types.ts'

export interface FollowerComponents<C> {
  id: NodeId
  state: Pick<RaftState<C>, 'term' | 'role' | 'log' | 'commitIndex'>
  tasks: Pick<TaskQueue<C>, 'send' | 'markLogDirty'>
  election: Pick<Election<C>, 'heardFromLeader'>
}

/** Conflict hints in a refusal: see AppendReply. */
export interface AppendHint {
  conflictIndex?: number
  conflictTerm?: number
}

/**
 * The follower's side of log replication (Raft §5.3): AppendEntries is checked
 * against the log, the log made to match the leader's, and the commit index
 * followed as far as the message proved the logs agree.
 */
export class Follower<C> {
  constructor (private readonly components: FollowerComponents<C>) {}

  /** Answers an AppendEntries or InstallSnapshot. */
  replyAppend (message: AppendRequest<C> | SnapshotRequest, success: boolean, matchIndex: number, hint: AppendHint = {}): void {
    const reply: AppendReply = { type: 'append-reply', from: this.components.id, to: message.from, term: this.components.state.term, success, matchIndex, stamp: message.stamp, ...hint }
    this.components.tasks.send(reply)
  }

  onAppend (message: AppendRequest<C>, now: number): void {
    const { id, state, tasks } = this.components
    if (state.role === 'leader') {
      // Two leaders in one term: Election Safety is broken. Say so loudly.
      throw new Error(`raft safety: ${id} leads term ${state.term} and got AppendEntries from ${message.from} for the same term`)
    }
    this.components.election.heardFromLeader(message.from, now)
    const log = state.log
    let prevIndex = message.prevLogIndex
    let prevTerm = message.prevLogTerm
    let entries = message.entries
    if (prevIndex < log.snapshotIndex) {
      // What our snapshot covers is committed, so it matches any leader's log.
      const covered = log.snapshotIndex - prevIndex
      if (entries.length <= covered) {
        this.replyAppend(message, true, log.snapshotIndex)
        return
      }
      entries = entries.slice(covered)
      prevIndex = log.snapshotIndex
      prevTerm = log.snapshotTerm
    }
    if (prevIndex > log.lastIndex) {
      this.replyAppend(message, false, 0, { conflictIndex: log.lastIndex + 1 })
      return
    }
    const localPrevTerm = log.termAt(prevIndex) as number
    if (localPrevTerm !== prevTerm) {
      this.replyAppend(message, false, 0, { conflictTerm: localPrevTerm, conflictIndex: log.firstIndexOfTerm(prevIndex) })
      return
    }
    let fresh = entries.length
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry<C>
      if (entry.index > log.lastIndex) { fresh = i; break }
      if (log.termAt(entry.index) !== entry.term) {
        if (entry.index <= state.commitIndex) throw new Error(`raft safety: ${id} asked to overwrite committed entry ${entry.index}`)
        log.truncateFrom(entry.index)
        tasks.markLogDirty(entry.index)
        fresh = i
        break
      }
    }
    if (fresh < entries.length) {
      const rest = entries.slice(fresh)
      log.append(rest)
      tasks.markLogDirty((rest[0] as Entry<C>).index)
    }
    const lastNew = prevIndex + entries.length
    // Only up to what this message proved matches: later entries may be a deposed leader's.
    const commit = Math.min(message.leaderCommit, lastNew)
    if (commit > state.commitIndex) state.commitIndex = commit
    this.replyAppend(message, true, lastNew)
  }
}
