import { AbortError, LeadershipLostError, NotLeaderError } from '../errors.ts'
import { Applier } from './applier.ts'
import { nonDecreasing } from './clock.ts'
import type { Clock } from './clock.ts'
import { quorumOf, resolveConfig } from './config.ts'
import type { RaftConfig } from './config.ts'
import { Election } from './election.ts'
import { Follower } from './follower.ts'
import { Inbox } from './inbox.ts'
import { LeaderLease } from './lease.ts'
import type { ProposeOptions, RaftListener, RaftNodeInit, RaftStatus } from './node-api.ts'
import { Proposals } from './proposals.ts'
import { RaftLog } from './raft-log.ts'
import { Replication } from './replication.ts'
import { Snapshots } from './snapshots.ts'
import type { StateMachine } from './state-machine.ts'
import { initialState } from './state.ts'
import type { Membership, RaftState, RoleChanges } from './state.ts'
import type { RaftStorage } from './storage.ts'
import { TaskQueue } from './tasks.ts'
import type { Transport } from './transport.ts'
import type { Entry, NodeId, Role } from './types.ts'

export type { ProposeOptions, RaftListener, RaftNodeInit, RaftStatus } from './node-api.ts'

/**
 * One Raft voter (Ongaro & Ousterhout, Figure 2), with PreVote and CheckQuorum
 * as etcd's raft does them, a leader lease on the monotonic clock, and log
 * compaction with InstallSnapshot.
 *
 * The node composes the parts, each given only what it uses: the task queue
 * (one task at a time, writes before answers: tasks.ts), election.ts,
 * replication.ts (leader) and follower.ts, snapshots.ts, proposals.ts,
 * applier.ts, lease.ts, and inbox.ts, which routes each message. Role changes
 * touch most parts, so they are made here.
 */
export class RaftNode<C, R = unknown, S = unknown> {
  readonly config: RaftConfig
  private readonly clock: Clock
  private readonly transport: Transport<C>
  private readonly storage: RaftStorage<C>
  private readonly machine: StateMachine<C, R, S>
  private readonly listeners = new Set<RaftListener<C, R>>()
  private readonly lifetime = new AbortController()
  private readonly state: RaftState<C> = initialState<C>()

  private readonly tasks: TaskQueue<C>
  private readonly election: Election<C>
  private readonly follower: Follower<C>
  private readonly snapshots: Snapshots<C>
  private readonly replication: Replication<C>
  private readonly proposals: Proposals<C, R>
  private readonly applier: Applier<C, R>
  private readonly lease: LeaderLease
  private readonly inbox: Inbox<C>

  private started: Promise<void> | undefined
  private stopped = false
  private unsubscribe: (() => void) | undefined
  private lastNotified = ''

  constructor (init: RaftNodeInit<C, R, S>) {
    const config = this.config = resolveConfig(init.config)
    const clock = this.clock = nonDecreasing(init.clock)
    this.transport = init.transport
    this.storage = init.storage
    const machine = this.machine = init.machine
    const { state, listeners } = this
    const id = config.id
    const membership: Membership = { id, peers: config.voters.filter(voter => voter !== id), quorum: quorumOf(config.voters.length) }
    const roles: RoleChanges = {
      becomeFollower: (term, leader, now) => { this.becomeFollower(term, leader, now) },
      becomeLeader: now => { this.becomeLeader(now) },
      notify: () => { this.notify() }
    }
    const tasks = this.tasks = new TaskQueue<C>({
      state,
      storage: this.storage,
      transport: this.transport,
      signal: this.lifetime.signal,
      answerBeforePersistingHardState: config.answerBeforePersistingHardState,
      stopped: () => this.stopped,
      persisted: () => { this.replication.persisted() },
      applyCommitted: () => { this.applier.applyCommitted() },
      fail: error => { this.fail(error) }
    })
    const election = this.election = new Election<C>({
      membership, electionTimeoutMs: config.electionTimeoutMs, clock, random: init.random, state, tasks, roles, checkQuorum: () => this.replication.checkQuorum()
    })
    const follower = this.follower = new Follower<C>({ id, state, tasks, election })
    const snapshots = this.snapshots = new Snapshots<C>({ id, config, state, machine, tasks, listeners, election, follower })
    const replication = this.replication = new Replication<C>({ membership, config, clock, state, tasks, snapshots })
    const proposals = this.proposals = new Proposals<C, R>({ id, clock, state, tasks, stopped: () => this.stopped, replication })
    this.applier = new Applier<C, R>({ id, state, machine, listeners, proposals, snapshots })
    this.lease = new LeaderLease({ state, clock, leaseMs: config.leaseMs, quorum: membership.quorum, replication })
    this.inbox = new Inbox<C>({ membership, clock, state, tasks, roles, election, follower, snapshots, replication })
  }

  get id (): NodeId { return this.config.id }
  get role (): Role { return this.state.role }
  get term (): number { return this.state.term }
  get leader (): NodeId | undefined { return this.state.leader }

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
    const state = this.state
    state.term = stored.hardState.term
    state.votedFor = stored.hardState.votedFor
    const snapshot = stored.snapshot
    if (snapshot !== undefined) {
      this.machine.restore(snapshot.data)
      state.snapshot = snapshot
      state.commitIndex = state.appliedIndex = snapshot.lastIndex
    }
    state.log = new RaftLog(snapshot?.lastIndex ?? 0, snapshot?.lastTerm ?? 0, stored.entries)
    this.tasks.loaded(state.log.lastIndex)
    const now = this.clock.now()
    this.election.guardVotesAfterRestart(now)
    this.unsubscribe = this.transport.onMessage(message => { this.tasks.run(() => { this.inbox.step(message) }) })
    this.election.resetElectionDeadline(now)
    this.notify()
  }

  /** Stops timers and listening; pending proposals fail. Idempotent. Does not wait for storage calls to finish beyond aborting them. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.lifetime.abort()
    this.election.stop()
    this.replication.stop()
    this.unsubscribe?.()
    this.proposals.rejectAll(() => new AbortError('raft node stopped'))
    await this.tasks.idle()
  }

  /**
   * Appends `command` and resolves with the state machine's result once it is
   * committed on a majority and applied. Rejects with NotLeaderError on a
   * follower (its `leader` says where to go), LeadershipLostError when the
   * leader lost its term first (the command may still commit: retry it with
   * the same request id), AbortError when `signal` fires.
   */
  propose (command: C, options: ProposeOptions = {}): Promise<R | undefined> {
    // Not async: the promise is the proposal's own, so it settles in the same turn as before the split.
    return this.proposals.propose(command, options)
  }

  /** This node leads with a valid lease and an up-to-date state machine: it may answer reads and hand out work alone. */
  hasLease (): boolean {
    return this.lease.holds()
  }

  /** Runs `read` on the state machine if this node holds the lease (a linearizable read without a round trip), else NotLeaderError. */
  read<T> (read: (machine: StateMachine<C, R, S>) => T): T {
    if (!this.hasLease()) throw new NotLeaderError(`${this.id} does not hold the leader lease`, this.state.role === 'leader' ? undefined : this.state.leader)
    return read(this.machine)
  }

  status (): RaftStatus<S> {
    const state = this.state
    return {
      id: this.id,
      role: state.role,
      term: state.term,
      leader: state.leader,
      voters: this.config.voters,
      commitIndex: state.commitIndex,
      appliedIndex: state.appliedIndex,
      lastIndex: state.log.lastIndex,
      snapshotIndex: state.log.snapshotIndex,
      lease: this.hasLease(),
      machine: this.machine.status()
    }
  }

  private fail (error: Error): void {
    if (this.stopped && (error instanceof AbortError || error.name === 'AbortError')) return
    for (const listener of this.listeners) listener.failed?.(error)
    this.stop().catch(() => {})
  }

  // ---- roles ---------------------------------------------------------------

  private becomeFollower (term: number, leader: NodeId | undefined, now: number): void {
    const state = this.state
    if (term > state.term) {
      state.term = term
      state.votedFor = undefined
      this.tasks.markHardStateDirty()
    }
    const wasLeader = state.role === 'leader'
    state.role = 'follower'
    state.leader = leader
    if (wasLeader) {
      this.replication.stepDown()
      state.termStartIndex = Infinity
      state.leaderSince = Infinity
      this.proposals.rejectAll(() => new LeadershipLostError(`${this.id} lost the leadership before the proposal committed; retry with the same request id`))
    }
    this.election.resetElectionDeadline(now)
    this.notify()
  }

  private becomeLeader (now: number): void {
    const state = this.state
    state.role = 'leader'
    state.leader = this.id
    this.election.won()
    this.replication.begin()
    const noop: Entry<C> = { index: state.log.lastIndex + 1, term: state.term }
    state.log.append([noop])
    this.tasks.markLogDirty(noop.index)
    state.termStartIndex = noop.index
    state.leaderSince = now
    this.election.resetElectionDeadline(now)
    this.notify()
    this.replication.lead(now)
  }

  private notify (): void {
    const state = this.state
    const key = `${state.role}/${state.term}/${state.leader ?? ''}`
    if (key === this.lastNotified) return
    this.lastNotified = key
    const change = { role: state.role, term: state.term, leader: state.leader }
    for (const listener of this.listeners) listener.roleChanged?.(change)
  }
}
