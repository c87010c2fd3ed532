import type { Clock } from './clock.ts'
import type { RaftConfig } from './config.ts'
import type { Snapshots } from './snapshots.ts'
import type { Membership, RaftState } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { AppendReply, NodeId } from './types.ts'

/** The leader's view of one follower. */
export interface Progress {
  /** Next index to send. */
  next: number
  /** Highest index known to match the leader's log. */
  match: number
  /** Not yet known where the logs agree: one AppendEntries at a time instead of a pipeline. */
  probing: boolean
  /** The latest leader `stamp` this follower echoed in the current term (the lease). */
  acked: number
  /** Answered since the last CheckQuorum round. */
  active: boolean
  /** When the snapshot was last sent, so a big one is not re-sent on every heartbeat. */
  snapshotSentAt: number | undefined
}

export interface ReplicationComponents<C> {
  membership: Membership
  config: Pick<RaftConfig, 'heartbeatMs' | 'maxEntriesPerMessage'>
  clock: Clock
  state: Pick<RaftState<C>, 'term' | 'role' | 'log' | 'commitIndex' | 'leaderSince'>
  tasks: Pick<TaskQueue<C>, 'run' | 'send' | 'persistedIndex'>
  /** For a follower whose next entry the leader has compacted away. */
  snapshots: Pick<Snapshots<C>, 'send'>
}

/**
 * The leader's side of log replication (Raft §5.3): AppendEntries to each
 * follower, pipelined once their logs are known to agree, heartbeats, fast
 * backtracking on refusals, and the commit index a majority's match allows.
 */
export class Replication<C> {
  private progress = new Map<NodeId, Progress>()
  private cancelHeartbeat: (() => void) | undefined

  constructor (private readonly components: ReplicationComponents<C>) {}

  /** A new term's leadership: nothing is known of the followers yet, so each is probed from the end of the log. */
  begin (): void {
    const next = this.components.state.log.lastIndex + 1
    this.progress = new Map(this.components.membership.peers.map(peer => [peer, { next, match: 0, probing: true, acked: -Infinity, active: false, snapshotSentAt: undefined }]))
  }

  /** Sends the first AppendEntries of the term to every follower and starts the heartbeat. */
  lead (now: number): void {
    for (const [peer, progress] of this.progress) this.sendAppend(peer, progress, now)
    this.armHeartbeat()
  }

  /** The leadership is over: no more heartbeats, and what was known of the followers is void. */
  stepDown (): void {
    this.cancelHeartbeat?.()
    this.cancelHeartbeat = undefined
    this.progress.clear()
  }

  stop (): void {
    this.cancelHeartbeat?.()
  }

  /** Sends new entries now to every follower whose pipeline is open (the probing ones get them with their answer). */
  replicate (now: number): void {
    for (const [peer, progress] of this.progress) if (!progress.probing) this.sendAppend(peer, progress, now)
  }

  /** The latest stamp each follower echoed in this term (-Infinity: none yet), for the lease. */
  acked (): number[] {
    return this.components.membership.peers.map(peer => this.progress.get(peer)?.acked ?? -Infinity)
  }

  /** CheckQuorum: whether a majority (this leader included) answered since the last call, which starts a new round. */
  checkQuorum (): boolean {
    let active = 1
    for (const progress of this.progress.values()) {
      if (progress.active) active++
      progress.active = false
    }
    return active >= this.components.membership.quorum
  }

  /** The leader's own writes reached disk: its log counts towards a majority up to there. */
  persisted (): void {
    if (this.components.state.role === 'leader') this.advanceCommit()
  }

  onAppendReply (message: AppendReply, now: number): void {
    const { state } = this.components
    if (state.role !== 'leader') return
    const progress = this.progress.get(message.from)
    // A reply to an AppendEntries from before this term (a follower answering a
    // message of ours delayed since an earlier term) carries this term but says
    // nothing about it: it must neither extend the lease nor move the pipeline.
    if (progress === undefined || message.stamp < state.leaderSince) return
    progress.active = true
    if (message.stamp > progress.acked) progress.acked = message.stamp
    if (message.success) {
      if (message.matchIndex > progress.match) progress.match = message.matchIndex
      if (progress.next <= progress.match) progress.next = progress.match + 1
      progress.probing = false
      progress.snapshotSentAt = undefined
      this.advanceCommit()
      if (progress.next <= state.log.lastIndex) this.sendAppend(message.from, progress, now)
      return
    }
    // Fast backtracking: skip the follower's whole conflicting term at once.
    let next = message.conflictIndex ?? progress.match + 1
    if (message.conflictTerm !== undefined) {
      const last = state.log.lastIndexOfTerm(message.conflictTerm)
      if (last !== undefined) next = last + 1
    }
    progress.next = Math.max(progress.match + 1, Math.min(next, state.log.lastIndex + 1))
    progress.probing = true
    this.sendAppend(message.from, progress, now)
  }

  private sendAppend (peer: NodeId, progress: Progress, now: number): void {
    const { membership, state } = this.components
    if (progress.next <= state.log.snapshotIndex) {
      this.components.snapshots.send(peer, progress, now)
      return
    }
    const prevLogIndex = progress.next - 1
    const entries = state.log.slice(progress.next, progress.next + this.components.config.maxEntriesPerMessage - 1)
    this.components.tasks.send({
      type: 'append',
      from: membership.id,
      to: peer,
      term: state.term,
      prevLogIndex,
      prevLogTerm: state.log.termAt(prevLogIndex) as number,
      entries,
      leaderCommit: state.commitIndex,
      stamp: now
    })
    // Pipeline once the logs are known to agree; while probing, wait for the answer.
    const last = entries[entries.length - 1]
    if (!progress.probing && last !== undefined) progress.next = last.index + 1
  }

  private heartbeat (): void {
    if (this.components.state.role !== 'leader') return
    const now = this.components.clock.now()
    for (const [peer, progress] of this.progress) {
      // Entries sent but not acknowledged by now were probably lost: send again from the last match.
      if (!progress.probing && progress.next > progress.match + 1) progress.next = progress.match + 1
      this.sendAppend(peer, progress, now)
    }
    this.armHeartbeat()
  }

  private armHeartbeat (): void {
    this.cancelHeartbeat?.()
    this.cancelHeartbeat = this.components.clock.setTimer(this.components.config.heartbeatMs, () => { this.components.tasks.run(() => { this.heartbeat() }) })
  }

  private advanceCommit (): void {
    const { membership, state } = this.components
    const matches = [this.components.tasks.persistedIndex, ...membership.peers.map(peer => this.progress.get(peer)?.match ?? 0)].sort((a, b) => b - a)
    const majority = matches[membership.quorum - 1] as number
    // Raft §5.4.2: only an entry of the current term commits by counting replicas;
    // earlier ones commit with it.
    if (majority > state.commitIndex && state.log.termAt(majority) === state.term) state.commitIndex = majority
  }
}
