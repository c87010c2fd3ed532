import { AbortError, LeadershipLostError, NotLeaderError, throwIfAborted } from '../errors.ts'
import { nonDecreasing } from './clock.ts'
import type { Clock } from './clock.ts'
import { quorumOf, resolveConfig } from './config.ts'
import type { RaftConfig, RaftConfigInput } from './config.ts'
import type { Random } from './random.ts'
import { RaftLog } from './raft-log.ts'
import type { StateMachine } from './state-machine.ts'
import type { RaftStorage } from './storage.ts'
import type { Transport } from './transport.ts'
import type { AppendReply, AppendRequest, Entry, NodeId, RaftMessage, Role, Snapshot, SnapshotRequest, VoteReply, VoteRequest } from './types.ts'

export interface RaftNodeInit<C, R, S> {
  config: RaftConfigInput
  clock: Clock
  transport: Transport<C>
  random: Random
  storage: RaftStorage<C>
  machine: StateMachine<C, R, S>
}

/** What a node tells whoever watches it (the queue worker, status pages, the simulation's history). */
export interface RaftListener<C, R> {
  roleChanged?: (change: { role: Role, term: number, leader: NodeId | undefined }) => void
  /** After each committed entry is applied, on every voter. */
  applied?: (entry: Entry<C>, result: R | undefined) => void
  /** After the state machine was replaced by a snapshot from the leader. */
  restored?: (snapshot: { lastIndex: number, lastTerm: number }) => void
  /** The node stopped on an error it cannot go on from (storage failed, an invariant broke). */
  failed?: (error: Error) => void
}

export interface RaftStatus<S> {
  id: NodeId
  role: Role
  term: number
  leader: NodeId | undefined
  voters: readonly NodeId[]
  commitIndex: number
  appliedIndex: number
  lastIndex: number
  snapshotIndex: number
  /** This node leads, its no-op is applied and a majority accepted it less than leaseMs ago. */
  lease: boolean
  machine: S
}

export interface ProposeOptions {
  signal?: AbortSignal
}

/** The leader's view of one follower. */
interface Progress {
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

interface Proposal<C, R> {
  command: C
  resolve: (result: R | undefined) => void
  reject: (error: Error) => void
  signal: AbortSignal | undefined
  onAbort: () => void
  /** Set once appended: the entry that must commit at this index in this term. */
  index?: number
  term?: number
}

/**
 * One Raft voter (Ongaro & Ousterhout, Figure 2), with PreVote and CheckQuorum
 * as etcd's raft does them, a leader lease on the monotonic clock, and log
 * compaction with InstallSnapshot.
 *
 * Everything the node does runs as one task at a time: a task changes the
 * state in memory, then the task's writes reach storage (term and vote first,
 * then snapshot, then log), and only then are its messages sent and committed
 * entries applied. So no answer ever depends on something that a crash could
 * take back: a granted vote, an adopted term, an acknowledged entry.
 */
export class RaftNode<C, R = unknown, S = unknown> {
  readonly config: RaftConfig
  private readonly clock: Clock
  private readonly transport: Transport<C>
  private readonly random: Random
  private readonly storage: RaftStorage<C>
  private readonly machine: StateMachine<C, R, S>
  private readonly peers: NodeId[]
  private readonly quorum: number
  private readonly listeners = new Set<RaftListener<C, R>>()
  private readonly lifetime = new AbortController()

  private started: Promise<void> | undefined
  private stopped = false
  private queue: Promise<void> = Promise.resolve()

  // Persistent (Figure 2), mirrored on disk by the end of each task.
  private currentTerm = 0
  private votedFor: NodeId | undefined
  private log = new RaftLog<C>()
  private snapshot: Snapshot | undefined

  // Volatile.
  private currentRole: Role = 'follower'
  private currentLeader: NodeId | undefined
  private commitIndex = 0
  private appliedIndex = 0
  private votes = new Set<NodeId>()
  private progress = new Map<NodeId, Progress>()
  /** The current term's no-op: a new leader serves reads and claims only once it is applied. */
  private termStartIndex = Infinity
  /** When this node became leader of the current term: echoes of older stamps prove nothing about this term. */
  private leaderSince = Infinity
  private lastHeardLeader = -Infinity
  /** A restarted voter forgets when it last heard a leader, so it assumes it just did (see inLease). */
  private voteGuardUntil = -Infinity
  private electionDeadline = Infinity
  private electionTimerAt = Infinity
  private cancelElectionTimer: (() => void) | undefined
  private cancelHeartbeat: (() => void) | undefined
  private unsubscribe: (() => void) | undefined
  private lastNotified = ''

  // What the running task must write before it sends anything.
  private hardStateDirty = false
  private logDirtyFrom: number | undefined
  private pendingSnapshot: Snapshot | undefined
  private outbox: Array<RaftMessage<C>> = []
  /** Last index on disk: the leader counts itself towards a majority only up to here. */
  private persistedIndex = 0

  private pendingProposals: Array<Proposal<C, R>> = []
  private flushScheduled = false
  private readonly waiters = new Map<number, Proposal<C, R>>()

  constructor (init: RaftNodeInit<C, R, S>) {
    this.config = resolveConfig(init.config)
    this.clock = nonDecreasing(init.clock)
    this.transport = init.transport
    this.random = init.random
    this.storage = init.storage
    this.machine = init.machine
    this.peers = this.config.voters.filter(voter => voter !== this.config.id)
    this.quorum = quorumOf(this.config.voters.length)
  }

  get id (): NodeId { return this.config.id }
  get role (): Role { return this.currentRole }
  get term (): number { return this.currentTerm }
  get leader (): NodeId | undefined { return this.currentLeader }

  subscribe (listener: RaftListener<C, R>): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Loads the durable state, restores the snapshot and starts listening and timing. Idempotent. */
  async start (options: { signal?: AbortSignal } = {}): Promise<void> {
    this.started ??= this.load(options.signal)
    await this.started
  }

  private async load (signal: AbortSignal | undefined): Promise<void> {
    const stored = await this.storage.load({ signal: signal ?? this.lifetime.signal })
    if (this.stopped) return
    this.currentTerm = stored.hardState.term
    this.votedFor = stored.hardState.votedFor
    const snapshot = stored.snapshot
    if (snapshot !== undefined) {
      this.machine.restore(snapshot.data)
      this.snapshot = snapshot
      this.commitIndex = this.appliedIndex = snapshot.lastIndex
    }
    this.log = new RaftLog(snapshot?.lastIndex ?? 0, snapshot?.lastTerm ?? 0, stored.entries)
    this.persistedIndex = this.log.lastIndex
    const now = this.clock.now()
    // A voter that acknowledged a leader just before it crashed must not help
    // elect another before that leader's lease is over: it cannot know when it
    // last heard one, so it waits T from now.
    this.voteGuardUntil = now + this.config.electionTimeoutMs
    this.unsubscribe = this.transport.onMessage(message => { this.run(() => { this.step(message) }) })
    this.resetElectionDeadline(now)
    this.notify()
  }

  /** Stops timers and listening; pending proposals fail. Idempotent. Does not wait for storage calls to finish beyond aborting them. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.lifetime.abort()
    this.cancelElectionTimer?.()
    this.cancelHeartbeat?.()
    this.unsubscribe?.()
    this.rejectProposals(() => new AbortError('raft node stopped'))
    await this.queue
  }

  /**
   * Appends `command` and resolves with the state machine's result once it is
   * committed on a majority and applied. Rejects with NotLeaderError on a
   * follower (its `leader` says where to go), LeadershipLostError when the
   * leader lost its term first (the command may still commit: retry it with
   * the same request id), AbortError when `signal` fires.
   */
  async propose (command: C, options: ProposeOptions = {}): Promise<R | undefined> {
    throwIfAborted(options.signal)
    if (this.stopped) throw new AbortError('raft node stopped')
    if (this.currentRole !== 'leader') throw new NotLeaderError(`${this.id} is not the leader`, this.currentLeader)
    return await new Promise<R | undefined>((resolve, reject) => {
      const proposal: Proposal<C, R> = {
        command,
        resolve,
        reject,
        signal: options.signal,
        onAbort: () => {
          this.forget(proposal)
          reject(new AbortError('proposal aborted', { cause: options.signal?.reason }))
        }
      }
      options.signal?.addEventListener('abort', proposal.onAbort, { once: true })
      this.pendingProposals.push(proposal)
      if (!this.flushScheduled) {
        this.flushScheduled = true
        this.run(() => { this.flushProposals() })
      }
    })
  }

  /** This node leads with a valid lease and an up-to-date state machine: it may answer reads and hand out work alone. */
  hasLease (): boolean {
    if (this.currentRole !== 'leader' || this.appliedIndex < this.termStartIndex) return false
    return this.clock.now() < this.leaseStart() + this.config.leaseMs
  }

  /** Runs `read` on the state machine if this node holds the lease (a linearizable read without a round trip), else NotLeaderError. */
  read<T> (read: (machine: StateMachine<C, R, S>) => T): T {
    if (!this.hasLease()) throw new NotLeaderError(`${this.id} does not hold the leader lease`, this.currentRole === 'leader' ? undefined : this.currentLeader)
    return read(this.machine)
  }

  status (): RaftStatus<S> {
    return {
      id: this.id,
      role: this.currentRole,
      term: this.currentTerm,
      leader: this.currentLeader,
      voters: this.config.voters,
      commitIndex: this.commitIndex,
      appliedIndex: this.appliedIndex,
      lastIndex: this.log.lastIndex,
      snapshotIndex: this.log.snapshotIndex,
      lease: this.hasLease(),
      machine: this.machine.status()
    }
  }

  // ---- tasks ---------------------------------------------------------------

  /** Queues a task: a synchronous state change, then its writes, then its messages and applies. */
  private run (task: () => void): void {
    this.queue = this.queue.then(async () => {
      if (this.stopped) return
      task()
      await this.persist()
      const messages = this.outbox
      this.outbox = []
      for (const message of messages) this.transport.send(message.to, message)
      if (this.hardStateDirty) await this.persist() // only with the mutation switch on: the vote goes out before it is on disk
      this.applyCommitted()
      if (this.pendingSnapshot !== undefined) await this.persist()
    }).catch(error => { this.fail(error as Error) })
  }

  private async persist (): Promise<void> {
    const options = { signal: this.lifetime.signal }
    if (this.hardStateDirty && !(this.config.answerBeforePersistingHardState && this.outbox.length > 0)) {
      this.hardStateDirty = false
      await this.storage.saveHardState({ term: this.currentTerm, ...(this.votedFor === undefined ? {} : { votedFor: this.votedFor }) }, options)
    }
    if (this.pendingSnapshot !== undefined) {
      const snapshot = this.pendingSnapshot
      this.pendingSnapshot = undefined
      await this.storage.saveSnapshot(snapshot, options)
    }
    if (this.logDirtyFrom !== undefined) {
      const from = this.logDirtyFrom
      this.logDirtyFrom = undefined
      if (from <= this.log.lastIndex) await this.storage.append(this.log.slice(from, this.log.lastIndex), options)
      else await this.storage.truncateFrom(from, options)
    }
    this.persistedIndex = this.log.lastIndex
    if (this.currentRole === 'leader') this.advanceCommit()
  }

  private fail (error: Error): void {
    if (this.stopped && (error instanceof AbortError || error.name === 'AbortError')) return
    for (const listener of this.listeners) listener.failed?.(error)
    this.stop().catch(() => {})
  }

  private send (message: RaftMessage<C>): void {
    this.outbox.push(message)
  }

  private now (): number {
    return this.clock.now()
  }

  // ---- messages ------------------------------------------------------------

  private step (message: RaftMessage<C>): void {
    if (message.to !== this.id || !this.peers.includes(message.from)) return
    if (message.type === 'append' && !message.entries.every((entry, i) => entry.index === message.prevLogIndex + 1 + i)) return
    const now = this.now()
    // A voter that hears its leader does not help replace it, and does not even
    // adopt the higher term (etcd's CheckQuorum lease): a node that was cut off
    // cannot depose a healthy leader when it comes back.
    if (message.type === 'vote' && message.term > this.currentTerm && this.inLease(now)) return
    if (message.term > this.currentTerm) {
      const keepsTerm = (message.type === 'vote' && message.pre) || (message.type === 'vote-reply' && message.pre && message.granted)
      if (!keepsTerm) this.becomeFollower(message.term, message.type === 'append' || message.type === 'snapshot' ? message.from : undefined, now)
    } else if (message.term < this.currentTerm) {
      // A deposed leader learns the new term from the answer and steps down;
      // a stale candidate learns it from the refusal.
      if (message.type === 'append' || message.type === 'snapshot') this.replyAppend(message, false, 0)
      else if (message.type === 'vote') this.send({ type: 'vote-reply', from: this.id, to: message.from, term: this.currentTerm, pre: message.pre, granted: false })
      return
    }
    switch (message.type) {
      case 'vote': this.onVote(message, now); break
      case 'vote-reply': this.onVoteReply(message, now); break
      case 'append': this.onAppend(message, now); break
      case 'snapshot': this.onSnapshot(message, now); break
      case 'append-reply': this.onAppendReply(message, now); break
    }
  }

  private inLease (now: number): boolean {
    if (now < this.voteGuardUntil) return true
    if (this.currentRole === 'leader') return true
    return this.currentLeader !== undefined && now - this.lastHeardLeader < this.config.electionTimeoutMs
  }

  private onVote (message: VoteRequest, now: number): void {
    const upToDate = message.lastLogTerm > this.log.lastTerm || (message.lastLogTerm === this.log.lastTerm && message.lastLogIndex >= this.log.lastIndex)
    const canVote = this.votedFor === message.from ||
      (this.votedFor === undefined && this.currentLeader === undefined) ||
      (message.pre && message.term > this.currentTerm)
    if (canVote && upToDate) {
      if (!message.pre) {
        this.votedFor = message.from
        this.hardStateDirty = true
        this.resetElectionDeadline(now)
      }
      // The request's term, not ours: for a PreVote ours is lower, and the
      // candidate would take a reply with our term for a stale one.
      this.send({ type: 'vote-reply', from: this.id, to: message.from, term: message.term, pre: message.pre, granted: true })
    } else {
      this.send({ type: 'vote-reply', from: this.id, to: message.from, term: this.currentTerm, pre: message.pre, granted: false })
    }
  }

  private onVoteReply (message: VoteReply, now: number): void {
    if (!message.granted) return
    if (message.pre) {
      if (this.currentRole !== 'pre-candidate' || message.term !== this.currentTerm + 1) return
      this.votes.add(message.from)
      if (this.votes.size >= this.quorum) this.startElection(now)
    } else {
      if (this.currentRole !== 'candidate' || message.term !== this.currentTerm) return
      this.votes.add(message.from)
      if (this.votes.size >= this.quorum) this.becomeLeader(now)
    }
  }

  private heardFromLeader (leader: NodeId, now: number): void {
    if (this.currentRole !== 'follower' || this.currentLeader !== leader) this.becomeFollower(this.currentTerm, leader, now)
    this.lastHeardLeader = now
    this.resetElectionDeadline(now)
  }

  private onAppend (message: AppendRequest<C>, now: number): void {
    if (this.currentRole === 'leader') {
      // Two leaders in one term: Election Safety is broken. Say so loudly.
      throw new Error(`raft safety: ${this.id} leads term ${this.currentTerm} and got AppendEntries from ${message.from} for the same term`)
    }
    this.heardFromLeader(message.from, now)
    let prevIndex = message.prevLogIndex
    let prevTerm = message.prevLogTerm
    let entries = message.entries
    if (prevIndex < this.log.snapshotIndex) {
      // What our snapshot covers is committed, so it matches any leader's log.
      const covered = this.log.snapshotIndex - prevIndex
      if (entries.length <= covered) {
        this.replyAppend(message, true, this.log.snapshotIndex)
        return
      }
      entries = entries.slice(covered)
      prevIndex = this.log.snapshotIndex
      prevTerm = this.log.snapshotTerm
    }
    if (prevIndex > this.log.lastIndex) {
      this.replyAppend(message, false, 0, { conflictIndex: this.log.lastIndex + 1 })
      return
    }
    const localPrevTerm = this.log.termAt(prevIndex) as number
    if (localPrevTerm !== prevTerm) {
      this.replyAppend(message, false, 0, { conflictTerm: localPrevTerm, conflictIndex: this.log.firstIndexOfTerm(prevIndex) })
      return
    }
    let fresh = entries.length
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry<C>
      if (entry.index > this.log.lastIndex) { fresh = i; break }
      if (this.log.termAt(entry.index) !== entry.term) {
        if (entry.index <= this.commitIndex) throw new Error(`raft safety: ${this.id} asked to overwrite committed entry ${entry.index}`)
        this.log.truncateFrom(entry.index)
        this.markLogDirty(entry.index)
        fresh = i
        break
      }
    }
    if (fresh < entries.length) {
      const rest = entries.slice(fresh)
      this.log.append(rest)
      this.markLogDirty((rest[0] as Entry<C>).index)
    }
    const lastNew = prevIndex + entries.length
    // Only up to what this message proved matches: later entries may be a deposed leader's.
    const commit = Math.min(message.leaderCommit, lastNew)
    if (commit > this.commitIndex) this.commitIndex = commit
    this.replyAppend(message, true, lastNew)
  }

  private onSnapshot (message: SnapshotRequest, now: number): void {
    if (this.currentRole === 'leader') throw new Error(`raft safety: ${this.id} leads term ${this.currentTerm} and got a snapshot from ${message.from} for the same term`)
    this.heardFromLeader(message.from, now)
    const snapshot = message.snapshot
    if (snapshot.lastIndex <= this.commitIndex) {
      this.replyAppend(message, true, snapshot.lastIndex)
      return
    }
    this.log.installSnapshot(snapshot.lastIndex, snapshot.lastTerm)
    this.machine.restore(snapshot.data)
    this.snapshot = snapshot
    this.pendingSnapshot = snapshot
    this.commitIndex = this.appliedIndex = snapshot.lastIndex
    this.persistedIndex = Math.min(this.persistedIndex, this.log.lastIndex)
    for (const listener of this.listeners) listener.restored?.({ lastIndex: snapshot.lastIndex, lastTerm: snapshot.lastTerm })
    this.replyAppend(message, true, snapshot.lastIndex)
  }

  private replyAppend (message: AppendRequest<C> | SnapshotRequest, success: boolean, matchIndex: number, hint: { conflictIndex?: number, conflictTerm?: number } = {}): void {
    const reply: AppendReply = { type: 'append-reply', from: this.id, to: message.from, term: this.currentTerm, success, matchIndex, stamp: message.stamp, ...hint }
    this.send(reply)
  }

  private onAppendReply (message: AppendReply, now: number): void {
    if (this.currentRole !== 'leader') return
    const progress = this.progress.get(message.from)
    // A reply to an AppendEntries from before this term (a follower answering a
    // message of ours delayed since an earlier term) carries this term but says
    // nothing about it: it must neither extend the lease nor move the pipeline.
    if (progress === undefined || message.stamp < this.leaderSince) return
    progress.active = true
    if (message.stamp > progress.acked) progress.acked = message.stamp
    if (message.success) {
      if (message.matchIndex > progress.match) progress.match = message.matchIndex
      if (progress.next <= progress.match) progress.next = progress.match + 1
      progress.probing = false
      progress.snapshotSentAt = undefined
      this.advanceCommit()
      if (progress.next <= this.log.lastIndex) this.sendAppend(message.from, progress, now)
      return
    }
    // Fast backtracking: skip the follower's whole conflicting term at once.
    let next = message.conflictIndex ?? progress.match + 1
    if (message.conflictTerm !== undefined) {
      const last = this.log.lastIndexOfTerm(message.conflictTerm)
      if (last !== undefined) next = last + 1
    }
    progress.next = Math.max(progress.match + 1, Math.min(next, this.log.lastIndex + 1))
    progress.probing = true
    this.sendAppend(message.from, progress, now)
  }

  // ---- leader --------------------------------------------------------------

  private sendAppend (peer: NodeId, progress: Progress, now: number): void {
    if (progress.next <= this.log.snapshotIndex) {
      this.sendSnapshot(peer, progress, now)
      return
    }
    const prevLogIndex = progress.next - 1
    const entries = this.log.slice(progress.next, progress.next + this.config.maxEntriesPerMessage - 1)
    this.send({
      type: 'append',
      from: this.id,
      to: peer,
      term: this.currentTerm,
      prevLogIndex,
      prevLogTerm: this.log.termAt(prevLogIndex) as number,
      entries,
      leaderCommit: this.commitIndex,
      stamp: now
    })
    // Pipeline once the logs are known to agree; while probing, wait for the answer.
    const last = entries[entries.length - 1]
    if (!progress.probing && last !== undefined) progress.next = last.index + 1
  }

  private sendSnapshot (peer: NodeId, progress: Progress, now: number): void {
    const snapshot = this.snapshot
    if (snapshot === undefined) throw new Error(`raft: ${this.id} has compacted its log but holds no snapshot`)
    if (progress.snapshotSentAt !== undefined && now - progress.snapshotSentAt < this.config.electionTimeoutMs) return
    progress.snapshotSentAt = now
    this.send({ type: 'snapshot', from: this.id, to: peer, term: this.currentTerm, snapshot, stamp: now })
  }

  private heartbeat (): void {
    if (this.currentRole !== 'leader') return
    const now = this.now()
    for (const [peer, progress] of this.progress) {
      // Entries sent but not acknowledged by now were probably lost: send again from the last match.
      if (!progress.probing && progress.next > progress.match + 1) progress.next = progress.match + 1
      this.sendAppend(peer, progress, now)
    }
    this.armHeartbeat()
  }

  private armHeartbeat (): void {
    this.cancelHeartbeat?.()
    this.cancelHeartbeat = this.clock.setTimer(this.config.heartbeatMs, () => { this.run(() => { this.heartbeat() }) })
  }

  /** The latest time a majority (this leader included) had accepted it: the lease runs from there. */
  private leaseStart (): number {
    const stamps = [Infinity, ...this.peers.map(peer => this.progress.get(peer)?.acked ?? -Infinity)].sort((a, b) => b - a)
    return stamps[this.quorum - 1] as number
  }

  private advanceCommit (): void {
    const matches = [this.persistedIndex, ...this.peers.map(peer => this.progress.get(peer)?.match ?? 0)].sort((a, b) => b - a)
    const majority = matches[this.quorum - 1] as number
    // Raft §5.4.2: only an entry of the current term commits by counting replicas;
    // earlier ones commit with it.
    if (majority > this.commitIndex && this.log.termAt(majority) === this.currentTerm) this.commitIndex = majority
  }

  private flushProposals (): void {
    this.flushScheduled = false
    const batch = this.pendingProposals.filter(proposal => proposal.signal?.aborted !== true)
    this.pendingProposals = []
    if (batch.length === 0) return
    if (this.currentRole !== 'leader') {
      for (const proposal of batch) this.settle(proposal, new NotLeaderError(`${this.id} is not the leader`, this.currentLeader))
      return
    }
    const first = this.log.lastIndex + 1
    const entries = batch.map((proposal, i) => {
      proposal.index = first + i
      proposal.term = this.currentTerm
      this.waiters.set(proposal.index, proposal)
      return { index: proposal.index, term: this.currentTerm, command: proposal.command }
    })
    this.log.append(entries)
    this.markLogDirty(first)
    const now = this.now()
    for (const [peer, progress] of this.progress) if (!progress.probing) this.sendAppend(peer, progress, now)
  }

  // ---- roles ---------------------------------------------------------------

  private becomeFollower (term: number, leader: NodeId | undefined, now: number): void {
    if (term > this.currentTerm) {
      this.currentTerm = term
      this.votedFor = undefined
      this.hardStateDirty = true
    }
    const wasLeader = this.currentRole === 'leader'
    this.currentRole = 'follower'
    this.currentLeader = leader
    if (wasLeader) {
      this.cancelHeartbeat?.()
      this.cancelHeartbeat = undefined
      this.progress.clear()
      this.termStartIndex = Infinity
      this.leaderSince = Infinity
      this.rejectProposals(() => new LeadershipLostError(`${this.id} lost the leadership before the proposal committed; retry with the same request id`))
    }
    this.resetElectionDeadline(now)
    this.notify()
  }

  private startPreVote (now: number): void {
    this.currentRole = 'pre-candidate'
    this.currentLeader = undefined
    this.votes = new Set([this.id])
    this.resetElectionDeadline(now)
    this.notify()
    if (this.votes.size >= this.quorum) {
      this.startElection(now)
      return
    }
    for (const peer of this.peers) {
      this.send({ type: 'vote', from: this.id, to: peer, term: this.currentTerm + 1, pre: true, lastLogIndex: this.log.lastIndex, lastLogTerm: this.log.lastTerm })
    }
  }

  private startElection (now: number): void {
    this.currentTerm += 1
    this.votedFor = this.id
    this.hardStateDirty = true
    this.currentRole = 'candidate'
    this.currentLeader = undefined
    this.votes = new Set([this.id])
    this.resetElectionDeadline(now)
    this.notify()
    if (this.votes.size >= this.quorum) {
      this.becomeLeader(now)
      return
    }
    for (const peer of this.peers) {
      this.send({ type: 'vote', from: this.id, to: peer, term: this.currentTerm, pre: false, lastLogIndex: this.log.lastIndex, lastLogTerm: this.log.lastTerm })
    }
  }

  private becomeLeader (now: number): void {
    this.currentRole = 'leader'
    this.currentLeader = this.id
    this.votes.clear()
    this.progress = new Map(this.peers.map(peer => [peer, { next: this.log.lastIndex + 1, match: 0, probing: true, acked: -Infinity, active: false, snapshotSentAt: undefined }]))
    const noop: Entry<C> = { index: this.log.lastIndex + 1, term: this.currentTerm }
    this.log.append([noop])
    this.markLogDirty(noop.index)
    this.termStartIndex = noop.index
    this.leaderSince = now
    this.resetElectionDeadline(now)
    this.notify()
    for (const [peer, progress] of this.progress) this.sendAppend(peer, progress, now)
    this.armHeartbeat()
  }

  private onElectionTimer (): void {
    const now = this.now()
    if (now < this.electionDeadline) {
      this.armElectionTimer(now)
      return
    }
    if (this.currentRole !== 'leader') {
      this.startPreVote(now)
      return
    }
    // CheckQuorum: a leader nobody answered for T may be on the wrong side of a
    // partition; it steps down rather than accept work it cannot commit.
    let active = 1
    for (const progress of this.progress.values()) {
      if (progress.active) active++
      progress.active = false
    }
    if (active < this.quorum) this.becomeFollower(this.currentTerm, undefined, now)
    else this.resetElectionDeadline(now)
  }

  private resetElectionDeadline (now: number): void {
    const timeout = this.config.electionTimeoutMs
    this.electionDeadline = now + (this.currentRole === 'leader' ? timeout : timeout + Math.floor(this.random.next() * timeout))
    if (this.electionDeadline < this.electionTimerAt) this.armElectionTimer(now)
  }

  private armElectionTimer (now: number): void {
    this.cancelElectionTimer?.()
    this.electionTimerAt = this.electionDeadline
    // At least 1 ms: a deadline a rounding error away would otherwise re-arm at once, forever.
    this.cancelElectionTimer = this.clock.setTimer(Math.max(1, this.electionDeadline - now), () => {
      this.electionTimerAt = Infinity
      this.run(() => { this.onElectionTimer() })
    })
  }

  // ---- applying --------------------------------------------------------------

  private markLogDirty (from: number): void {
    this.logDirtyFrom = Math.min(this.logDirtyFrom ?? Infinity, from)
    this.persistedIndex = Math.min(this.persistedIndex, from - 1)
  }

  private applyCommitted (): void {
    while (this.appliedIndex < this.commitIndex) {
      const entry = this.log.entry(this.appliedIndex + 1)
      if (entry === undefined) throw new Error(`raft: ${this.id} has committed index ${this.appliedIndex + 1} but not the entry`)
      this.appliedIndex = entry.index
      const result = this.machine.apply(entry)
      for (const listener of this.listeners) listener.applied?.(entry, result)
      const waiter = this.waiters.get(entry.index)
      if (waiter !== undefined) {
        if (waiter.term === entry.term) this.settle(waiter, undefined, result)
        else this.settle(waiter, new LeadershipLostError('another leader\'s entry took the proposal\'s place; retry with the same request id'))
      }
    }
    if (this.appliedIndex - this.log.snapshotIndex >= this.config.snapshotThreshold) {
      const snapshot: Snapshot = { lastIndex: this.appliedIndex, lastTerm: this.log.termAt(this.appliedIndex) as number, data: this.machine.snapshot() }
      this.log.compact(snapshot.lastIndex, snapshot.lastTerm)
      this.snapshot = snapshot
      this.pendingSnapshot = snapshot
    }
  }

  private settle (proposal: Proposal<C, R>, error: Error | undefined, result?: R): void {
    this.forget(proposal)
    proposal.signal?.removeEventListener('abort', proposal.onAbort)
    if (error !== undefined) proposal.reject(error)
    else proposal.resolve(result)
  }

  private forget (proposal: Proposal<C, R>): void {
    if (proposal.index !== undefined && this.waiters.get(proposal.index) === proposal) this.waiters.delete(proposal.index)
    const at = this.pendingProposals.indexOf(proposal)
    if (at >= 0) this.pendingProposals.splice(at, 1)
  }

  private rejectProposals (error: () => Error): void {
    for (const proposal of [...this.pendingProposals, ...this.waiters.values()]) this.settle(proposal, error())
  }

  private notify (): void {
    const key = `${this.currentRole}/${this.currentTerm}/${this.currentLeader ?? ''}`
    if (key === this.lastNotified) return
    this.lastNotified = key
    const change = { role: this.currentRole, term: this.currentTerm, leader: this.currentLeader }
    for (const listener of this.listeners) listener.roleChanged?.(change)
  }
}
