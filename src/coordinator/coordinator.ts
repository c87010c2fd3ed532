import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { AbortError, NoLeaderError, throwIfAborted } from '../errors.ts'
import { systemClock } from '../raft/clock.ts'
import type { Clock } from '../raft/clock.ts'
import { DEFAULT_ELECTION_TIMEOUT_MS } from '../raft/config.ts'
import { RaftNode } from '../raft/node.ts'
import { parseQueueCommand } from '../raft/queue-commands.ts'
import type { GenerationRequest, QueueCommand } from '../raft/queue-commands.ts'
import { QueueMachine } from '../raft/queue-machine.ts'
import type { QueueResult, QueueStatus } from '../raft/queue-machine.ts'
import { QueueWorker } from '../raft/queue-worker.ts'
import type { Work } from '../raft/queue-worker.ts'
import { systemRandom } from '../raft/random.ts'
import type { Random } from '../raft/random.ts'
import type { RaftStorage } from '../raft/storage.ts'
import { ElectionAudit } from './election-audit.ts'
import type { ElectionAuditSink } from './election-audit.ts'
import { EventReporter } from './event-reporter.ts'
import { LeaderIntake } from './leader-intake.ts'
import type { RequestCommand } from './leader-intake.ts'
import { Limiter } from './limiter.ts'
import { OutcomeWaiters } from './outcome-waiters.ts'
import { COORDINATOR_PROTOCOL, requestSubmit, serveCoordinator } from './protocol.ts'
import { RaftTransport } from './raft-transport.ts'
import type { Ack, CoordinatorEvent, CoordinatorStatus, RequestOutcome } from './types.ts'
import { VoterView } from './voter-view.ts'

export interface CoordinatorInit {
  /** Started, with this voter's identity (see voterPrivateKey); must know how to reach the other voters (peer store or DHT). */
  libp2p: Libp2p
  /** Peer ids of every voter, this one included (3 or 5, from the policy). */
  voters: readonly string[]
  /** Durable: a KVRaftStorage over this voter's store. */
  storage: RaftStorage<QueueCommand>
  /** Generates one request's context and writes the record fenced by `context.term`. */
  work: Work
  clock?: Clock
  random?: Random
  electionTimeoutMs?: number
  heartbeatMs?: number
  /** Requests worked on at once while leading. Default 4. */
  concurrency?: number
  /**
   * Checks a request that arrived from outside the voters before it goes
   * anywhere (the requester's rights, the role, the source); throw a named
   * SlurpError to refuse it. Not called for submit() made inside this coordinator.
   */
  admit?: (request: GenerationRequest, from: PeerId) => Promise<void> | void
  onEvent?: (event: CoordinatorEvent) => void
  /**
   * The audit log this voter notes its elections and term changes in (issue
   * 14 §2): the relay's when it runs inside one, else its own. None: no notes.
   */
  audit?: ElectionAuditSink
}

export interface Coordinator {
  readonly id: string
  /** Loads the log, starts Raft and serves /slurp/raft/1.0.0 and /slurp/coordinator/1.0.0. Idempotent. */
  start: (options?: { signal?: AbortSignal }) => Promise<void>
  /** Aborts running work, stops Raft and both protocols; waiters fail. Idempotent. */
  stop: () => Promise<void>
  status: () => CoordinatorStatus
  /**
   * Resolves once the request is committed on a majority (forwarded to the
   * leader when this voter does not lead). Throws InvalidQueueCommandError,
   * NotLeaderError or NoLeaderError (retry, with the same request id), or
   * LeadershipLostError (likewise), NetworkError when the leader is unreachable.
   */
  submit: (request: GenerationRequest, options: { signal: AbortSignal }) => Promise<Ack>
  /** The request's outcome once it (or the request it was deduplicated to) is done or failed, as this voter's log says. */
  waitFor: (requestId: string, options: { signal: AbortSignal }) => Promise<RequestOutcome>
}

/**
 * Applied entries between snapshots. Each snapshot serialises the whole queue
 * (every request it ever took, finished ones without their source), so the
 * Raft default of 1,024 made a large index spend its time snapshotting, and
 * shipped a follower that fell that far behind a snapshot again and again.
 * etcd takes one every 10,000 entries.
 */
const SNAPSHOT_THRESHOLD = 10_000

type QueueNode = RaftNode<QueueCommand, QueueResult, QueueStatus>

/** One voter: Raft over libp2p, the replicated queue, and the leader's worker. */
export function createCoordinator (init: CoordinatorInit): Coordinator {
  return new VoterCoordinator(init)
}

class VoterCoordinator implements Coordinator {
  readonly id: string
  private readonly clock: Clock
  private readonly electionTimeoutMs: number
  private readonly view: VoterView
  private readonly transport: RaftTransport<QueueCommand>
  private readonly machine = new QueueMachine()
  private readonly node: QueueNode
  private readonly worker: QueueWorker
  private readonly waiters: OutcomeWaiters
  private readonly intake: LeaderIntake
  private readonly events: EventReporter
  private readonly audit: ElectionAudit | undefined
  /** Requests this follower is passing on to the leader at once: one channel carries at most 512. */
  private readonly forwarding = new Limiter(256)
  private started = false
  private stopped = false
  private failure: Error | undefined

  constructor (private readonly init: CoordinatorInit) {
    this.id = init.libp2p.peerId.toString()
    this.clock = init.clock ?? systemClock()
    this.electionTimeoutMs = init.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS
    this.events = new EventReporter(this.clock, init.onEvent)
    this.audit = init.audit === undefined ? undefined : new ElectionAudit(this.id, init.audit)
    this.view = new VoterView(this.id, init.voters, this.clock)
    this.transport = new RaftTransport<QueueCommand>({ libp2p: init.libp2p, voters: init.voters, observe: (direction, message) => { this.view.observe(direction, message) } })
    this.node = new RaftNode({
      config: {
        id: this.id,
        voters: init.voters,
        electionTimeoutMs: this.electionTimeoutMs,
        ...(init.heartbeatMs === undefined ? {} : { heartbeatMs: init.heartbeatMs }),
        snapshotThreshold: SNAPSHOT_THRESHOLD
      },
      clock: this.clock,
      transport: this.transport,
      random: init.random ?? systemRandom(),
      storage: init.storage,
      machine: this.machine
    })
    this.worker = new QueueWorker({ node: this.node, machine: this.machine, clock: this.clock, work: this.events.timed(init.work), ...(init.concurrency === undefined ? {} : { concurrency: init.concurrency }) })
    this.waiters = new OutcomeWaiters(this.machine)
    this.intake = new LeaderIntake({
      node: this.node,
      machine: this.machine,
      clock: this.clock,
      electionTimeoutMs: this.electionTimeoutMs,
      healthy: () => this.started && !this.stopped && this.failure === undefined
    })
  }

  async start (options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.started || this.stopped) return
    this.started = true
    this.node.subscribe({
      roleChanged: ({ role, term, leader }) => {
        this.audit?.roleChanged(role, term, leader)
        if (this.events.roleChanged(role, term, leader)) this.view.termChanged(term)
        this.intake.wake()
      },
      applied: entry => {
        this.waiters.applied(entry)
        this.intake.applied(entry)
      },
      restored: () => { this.waiters.restored() },
      failed: error => {
        this.failure = error
        this.events.emit({ type: 'failed', error })
        this.intake.wake()
      }
    })
    await this.transport.start()
    await serveCoordinator(this.init.libp2p, {
      submit: async (request, { signal, from, forwarded }) => await this.accept(request, signal, from, forwarded && this.init.voters.includes(from.toString())),
      status: () => this.status(),
      wait: async (requestId, { signal }) => await this.waitFor(requestId, { signal })
    })
    await this.node.start(options)
    this.worker.start()
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.intake.wake()
    this.worker.stop()
    await this.node.stop()
    await this.transport.stop()
    if (this.started) await this.init.libp2p.unhandle(COORDINATOR_PROTOCOL).catch(() => {})
    this.waiters.rejectAll(() => new AbortError('coordinator stopped'))
  }

  status (): CoordinatorStatus {
    const raft = this.node.status()
    const queue = raft.machine
    return {
      id: this.id,
      role: raft.role,
      term: raft.term,
      leader: raft.leader,
      lease: raft.lease,
      commitIndex: raft.commitIndex,
      appliedIndex: raft.appliedIndex,
      voters: this.view.view(raft.role === 'leader', raft.lastIndex),
      queue: { pending: queue.pending, inFlight: queue.inFlight, done: queue.done, failed: queue.failed, aliases: queue.aliases },
      working: this.worker.active,
      ...(this.failure === undefined ? {} : { failure: this.failure.message })
    }
  }

  async submit (request: GenerationRequest, options: { signal: AbortSignal }): Promise<Ack> {
    return await this.accept(request, options.signal, undefined, false)
  }

  async waitFor (requestId: string, options: { signal: AbortSignal }): Promise<RequestOutcome> {
    if (this.stopped) throw new AbortError('coordinator stopped')
    return await this.waiters.wait(requestId, options.signal)
  }

  /** A request from this very process (`from` undefined), a member, or a voter passing it on (`forwarded`). */
  private async accept (raw: unknown, signal: AbortSignal, from: PeerId | undefined, forwarded: boolean): Promise<Ack> {
    throwIfAborted(signal)
    const command = parseQueueCommand({ type: 'request', request: raw }) as RequestCommand
    if (from !== undefined && !forwarded) await this.init.admit?.(command.request, from)
    if (this.stopped || this.failure !== undefined || !this.started) throw new NoLeaderError(`coordinator ${this.id} is not running`, this.electionTimeoutMs)
    if (this.node.role === 'leader') return await this.intake.submit(command, signal)
    const leader = this.node.leader
    // One hop only: two voters that each think the other leads must not pass a request back and forth.
    if (forwarded || leader === undefined) throw this.intake.leaderError()
    return await this.forwarding.run(async () => await requestSubmit(this.init.libp2p, peerIdFromString(leader), command.request, { signal, forwarded: true }), signal)
  }
}
