import { FencedError } from '../errors.ts'
import type { Clock } from './clock.ts'
import type { RaftNode } from './node.ts'
import type { GenerationResult, QueueCommand } from './queue-commands.ts'
import type { QueuedRequest, QueueMachine, QueueResult, QueueStatus } from './queue-machine.ts'

export interface WorkContext {
  /** The term that claimed the request: the fencing token every write of the result must carry. */
  term: number
  /** Fires when this node stops leading that term: the work is someone else's now. */
  signal: AbortSignal
}

/** Does one request's work (generate, store the record fenced by `term`) and says where the result went. */
export type Work = (request: Readonly<QueuedRequest>, context: WorkContext) => Promise<GenerationResult>

export type WorkerEvent =
  | { type: 'claim', term: number, ids: readonly string[] }
  | { type: 'start', term: number, request: Readonly<QueuedRequest> }
  | { type: 'done', term: number, id: string, result: GenerationResult }
  | { type: 'error', term: number, id: string, error: Error }

export interface QueueWorkerInit {
  node: RaftNode<QueueCommand, QueueResult, QueueStatus>
  /** The machine `node` applies to. */
  machine: QueueMachine
  clock: Clock
  work: Work
  /** Requests worked on at once. Default 4. */
  concurrency?: number
  /** Most requests per claim. Default: concurrency. */
  batch?: number
  /** Attempts before a failing request is given up. Default 3. */
  maxAttempts?: number
  /** How often the leader looks for work when nothing happens (a lease renewed, a dependency done elsewhere). Default: the heartbeat. */
  pollMs?: number
  onEvent?: (event: WorkerEvent) => void
}

/**
 * The leader's side of the queue: claims work by priority in batches while it
 * holds the lease, runs at most `concurrency` at once, and reports each
 * outcome through the log. Runs on every voter and does nothing unless that
 * voter leads; when it stops leading, its running work is aborted (the next
 * leader requeues it).
 *
 * Work it starts is decided by the applied log, not by the answer to its own
 * claim: a claim that committed while its answer was lost is still worked on.
 */
export class QueueWorker {
  private readonly concurrency: number
  private readonly batch: number
  private readonly maxAttempts: number
  private readonly pollMs: number
  private readonly running = new Map<string, AbortController>()
  private readonly startedIds = new Set<string>()
  private term = 0
  private claiming = false
  private pumping = false
  private started = false
  private unsubscribe: (() => void) | undefined
  private cancelPoll: (() => void) | undefined

  constructor (private readonly init: QueueWorkerInit) {
    this.concurrency = init.concurrency ?? 4
    this.batch = init.batch ?? this.concurrency
    this.maxAttempts = init.maxAttempts ?? 3
    this.pollMs = init.pollMs ?? init.node.config.heartbeatMs
  }

  /** Idempotent. */
  start (): void {
    if (this.started) return
    this.started = true
    this.unsubscribe = this.init.node.subscribe({
      applied: () => { this.pump() },
      restored: () => { this.pump() },
      roleChanged: () => { this.pump() }
    })
    this.pump()
  }

  /** Aborts running work. Idempotent. */
  stop (): void {
    if (!this.started) return
    this.started = false
    this.unsubscribe?.()
    this.cancelPoll?.()
    this.cancelPoll = undefined
    this.abortAll()
  }

  /** Requests being worked on here now. */
  get active (): number {
    return this.running.size
  }

  private pump (): void {
    if (!this.started || this.pumping) return
    this.pumping = true
    try {
      this.pumpOnce()
    } finally {
      this.pumping = false
    }
  }

  private pumpOnce (): void {
    const { node, machine } = this.init
    if (node.role !== 'leader') {
      this.abortAll()
      this.cancelPoll?.()
      this.cancelPoll = undefined
      return
    }
    if (node.term !== this.term) {
      this.abortAll()
      this.term = node.term
    }
    this.cancelPoll ??= this.init.clock.setTimer(this.pollMs, () => {
      this.cancelPoll = undefined
      this.pump()
    })
    const term = this.term
    // Forget finished work once the log has moved it on (a failed attempt
    // requeued and claimed again in this term must run again).
    for (const id of this.startedIds) {
      if (!this.running.has(id) && machine.get(id)?.state !== 'in-flight') this.startedIds.delete(id)
    }
    for (const queued of machine.inFlightRequests()) {
      if (queued.claimTerm === term && !this.startedIds.has(queued.request.id)) this.begin(queued, term)
    }
    // New claims only under the lease: a leader that may already be replaced
    // should not hand out work (the log would refuse the claim anyway, later).
    if (this.claiming || !node.hasLease()) return
    const room = Math.min(this.batch, this.concurrency - this.running.size)
    if (room <= 0) return
    const ids = machine.claimable(room).map(queued => queued.request.id)
    if (ids.length === 0) return
    this.claiming = true
    this.init.onEvent?.({ type: 'claim', term, ids })
    node.propose({ type: 'claim', term, ids })
      .catch(() => {}) // not leader any more, or lost: the next leader requeues
      .finally(() => {
        this.claiming = false
        this.pump()
      })
  }

  private begin (queued: Readonly<QueuedRequest>, term: number): void {
    const id = queued.request.id
    const controller = new AbortController()
    this.startedIds.add(id)
    this.running.set(id, controller)
    this.init.onEvent?.({ type: 'start', term, request: queued })
    this.perform(queued, term, controller).catch(() => {}).finally(() => {
      if (this.running.get(id) === controller) this.running.delete(id)
      this.pump()
    })
  }

  private async perform (queued: Readonly<QueuedRequest>, term: number, controller: AbortController): Promise<void> {
    const { node } = this.init
    const id = queued.request.id
    const signal = controller.signal
    let result: GenerationResult
    try {
      result = await this.init.work(queued, { term, signal })
    } catch (error) {
      // Aborted: this node no longer leads that term. Fenced: a newer term
      // stored its result first. Either way the request is not ours to report.
      if (signal.aborted || error instanceof FencedError) return
      this.init.onEvent?.({ type: 'error', term, id, error: error as Error })
      const retry = queued.attempts < this.maxAttempts
      await node.propose({ type: 'fail', term, requestId: id, reason: (error as Error).message, retry }, { signal }).catch(() => {})
      return
    }
    if (signal.aborted) return
    this.init.onEvent?.({ type: 'done', term, id, result })
    // If this fails the completion may still commit; if it does not, the
    // next leader requeues the request and the fenced store keeps one result.
    await node.propose({ type: 'complete', term, requestId: id, result }, { signal }).catch(() => {})
  }

  private abortAll (): void {
    for (const controller of this.running.values()) controller.abort()
    this.running.clear()
    this.startedIds.clear()
  }
}
