import { AbortError } from '../../../src/errors.ts'
import type { Clock } from '../../../src/raft/clock.ts'
import type { RaftConfigInput } from '../../../src/raft/config.ts'
import { RaftNode } from '../../../src/raft/node.ts'
import type { GenerationResult, QueueCommand } from '../../../src/raft/queue-commands.ts'
import { QueueMachine } from '../../../src/raft/queue-machine.ts'
import type { QueuedRequest, QueueResult, QueueStatus } from '../../../src/raft/queue-machine.ts'
import { QueueWorker } from '../../../src/raft/queue-worker.ts'
import type { WorkContext } from '../../../src/raft/queue-worker.ts'
import { seededRandom } from '../../../src/raft/random.ts'
import type { Random } from '../../../src/raft/random.ts'
import { MemoryRaftStorage } from '../../../src/raft/storage.ts'
import type { RaftStorage, StorageOptions, StoredState } from '../../../src/raft/storage.ts'
import type { Entry, HardState, RaftMessage, Snapshot } from '../../../src/raft/types.ts'
import { History } from './history.ts'
import { SimNetwork } from './network.ts'
import { FencedResultStore } from './result-store.ts'
import { Scheduler } from './scheduler.ts'

export type QueueNode = RaftNode<QueueCommand, QueueResult, QueueStatus>
export type WriteKind = 'hard' | 'append' | 'truncate' | 'snapshot'

/** Where a nemesis can step in, from inside the run. */
export interface Hooks {
  /** Before a write reaches the disk: true crashes the voter first (the write is lost). */
  crashBeforeWrite?: (host: Host, kind: WriteKind, hard?: HardState) => boolean
  /** A client's request was acknowledged by `host`. */
  acknowledged?: (host: Host) => void
  /** The leader started work on a claimed request. */
  workStarted?: (host: Host) => void
  /** The leader stored a result and has not reported the completion yet. */
  resultStored?: (host: Host) => void
}

export interface Stats {
  crashes: number
  voteCrashes: number
  snapshotsInstalled: number
  stepDowns: number
  refusedCompletions: number
  refusedClaims: number
  workStarted: number
  workFailed: number
  lateReports: number
  /** Faults injected, by kind. */
  faults: Record<string, number>
}

/** One voter's machine: its disk outlives crashes, everything else is rebuilt on restart. */
export class Host {
  readonly disk = new MemoryRaftStorage<QueueCommand>()
  incarnation = 0
  alive = false
  pausedUntil = 0
  clockOffset = 0
  node: QueueNode | undefined
  machine: QueueMachine | undefined
  worker: QueueWorker | undefined
  handler: ((message: RaftMessage<QueueCommand>) => void) | undefined

  constructor (readonly id: string) {}
}

const never = new Promise<never>(() => {})

export interface ClusterOptions {
  seed: number
  voters: number
  raft?: Partial<RaftConfigInput>
  /** The mutation under test: answers leave before the term and vote are on disk. */
  answerBeforePersisting?: boolean
  /** Share of work attempts that fail (and are retried). */
  workFailureRate?: number
}

/**
 * Voters in one process on virtual time: real RaftNodes, QueueMachines and
 * QueueWorkers over a simulated network, clocks and disks. A crash throws away
 * everything a voter holds in memory, including writes it started and did not
 * finish; a pause freezes its events while its clock runs on.
 */
export class SimCluster {
  readonly scheduler = new Scheduler()
  readonly history = new History()
  readonly results = new FencedResultStore()
  readonly network: SimNetwork
  readonly hosts: Host[]
  readonly random: Random
  readonly steps: string[] = []
  readonly stats: Stats = { crashes: 0, voteCrashes: 0, snapshotsInstalled: 0, stepDowns: 0, refusedCompletions: 0, refusedClaims: 0, workStarted: 0, workFailed: 0, lateReports: 0, faults: {} }
  hooks: Hooks = {}
  private readonly countedIndexes = new Set<number>()

  constructor (readonly options: ClusterOptions) {
    this.random = seededRandom(options.seed * 7919 + 1)
    this.hosts = Array.from({ length: options.voters }, (_, i) => new Host(`n${i + 1}`))
    this.network = new SimNetwork(this.scheduler, seededRandom(options.seed * 7919 + 2), (to, message) => { this.deliver(to, message) })
  }

  get now (): number { return this.scheduler.now }

  fault (kind: string): void {
    this.stats.faults[kind] = (this.stats.faults[kind] ?? 0) + 1
  }

  step (text: string): void {
    if (this.steps.length < 300) this.steps.push(`${this.now.toFixed(0).padStart(6)} ms  ${text}`)
  }

  host (id: string): Host {
    return this.hosts.find(host => host.id === id) as Host
  }

  /** The live leader of the highest term, if any. */
  get leader (): Host | undefined {
    let found: Host | undefined
    for (const host of this.hosts) {
      if (host.alive && host.node?.role === 'leader' && (found === undefined || host.node.term > (found.node as QueueNode).term)) found = host
    }
    return found
  }

  /** Wraps a callback so it runs only for this incarnation of the host, and waits while the host is paused. */
  hostEvent (host: Host, incarnation: number, callback: () => void): () => void {
    const fire = (): void => {
      if (!host.alive || host.incarnation !== incarnation) return
      if (host.pausedUntil > this.now) {
        this.scheduler.at(host.pausedUntil, fire)
        return
      }
      callback()
    }
    return fire
  }

  private deliver (to: string, message: RaftMessage): void {
    const host = this.host(to)
    const fire = (): void => {
      if (!host.alive) return
      if (host.pausedUntil > this.now) {
        this.scheduler.at(host.pausedUntil, fire)
        return
      }
      host.handler?.(message as RaftMessage<QueueCommand>)
    }
    fire()
  }

  clockOf (host: Host, incarnation: number): Clock {
    return {
      now: () => this.now + host.clockOffset,
      setTimer: (ms, callback) => this.scheduler.after(ms, this.hostEvent(host, incarnation, callback))
    }
  }

  async sleepOn (host: Host, incarnation: number, ms: number, signal: AbortSignal): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { cancel(); reject(new AbortError('aborted')) }
      const cancel = this.scheduler.after(ms, this.hostEvent(host, incarnation, () => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }))
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  async boot (host: Host): Promise<void> {
    if (host.alive) return
    host.incarnation++
    host.alive = true
    const incarnation = host.incarnation
    const machine = new QueueMachine()
    const clock = this.clockOf(host, incarnation)
    const node: QueueNode = new RaftNode({
      config: {
        id: host.id,
        voters: this.hosts.map(h => h.id),
        snapshotThreshold: 40,
        maxEntriesPerMessage: 16,
        ...this.options.raft,
        testing: { answerBeforePersistingHardState: this.options.answerBeforePersisting === true }
      },
      clock,
      transport: {
        send: (to, message) => { if (host.alive && host.incarnation === incarnation) this.network.send(host.id, to, message) },
        onMessage: handler => {
          host.handler = handler
          return () => { if (host.handler === handler) host.handler = undefined }
        }
      },
      random: seededRandom(this.options.seed * 31 + incarnation * 1009 + this.hosts.indexOf(host)),
      storage: new SimStorage(this, host, incarnation),
      machine
    })
    node.subscribe({
      roleChanged: change => {
        if (change.role === 'leader') {
          this.history.leader(change.term, host.id, this.now)
          this.step(`${host.id} leads term ${change.term}`)
        }
      },
      applied: (entry, result) => {
        this.history.applied(host.id, entry as Entry)
        if (result?.ok === false && !this.countedIndexes.has(entry.index)) {
          this.countedIndexes.add(entry.index)
          if (entry.command?.type === 'complete') this.stats.refusedCompletions++
          if (entry.command?.type === 'claim') this.stats.refusedClaims++
        }
      },
      restored: () => { this.stats.snapshotsInstalled++ },
      failed: error => { this.history.problem(`${host.id} failed: ${error.message}`) }
    })
    // CheckQuorum at work: a leader that becomes a follower without a new term.
    let led: number | undefined
    node.subscribe({
      roleChanged: change => {
        if (led === change.term && change.role === 'follower') {
          this.stats.stepDowns++
          this.step(`${host.id} steps down in term ${change.term} (no majority heard)`)
        }
        led = change.role === 'leader' ? change.term : undefined
      }
    })
    host.node = node
    host.machine = machine
    host.handler = undefined
    await node.start()
    const worker = new QueueWorker({
      node,
      machine,
      clock,
      concurrency: 3,
      maxAttempts: Infinity,
      work: async (request, context) => await this.work(host, incarnation, request, context),
      onEvent: event => {
        if (event.type === 'claim') this.history.claim(event.term, host.id, this.now)
        if (event.type === 'start') {
          this.stats.workStarted++
          for (const id of event.request.request.dependsOn) {
            const state = machine.get(id)?.state
            if (state !== 'done' && state !== 'failed') this.history.problem(`${host.id} started ${event.request.request.id} before its dependency ${id} finished (${state ?? 'unknown'})`)
          }
          this.hooks.workStarted?.(host)
        }
        if (event.type === 'error') this.stats.workFailed++
      }
    })
    host.worker = worker
    worker.start()
  }

  /** A generator run: takes a while, sometimes fails, then stores its result fenced by the claim's term. */
  private async work (host: Host, incarnation: number, queued: Readonly<QueuedRequest>, context: WorkContext): Promise<GenerationResult> {
    await this.sleepOn(host, incarnation, 10 + this.random.next() * 150, context.signal)
    if (this.random.next() < (this.options.workFailureRate ?? 0.05)) throw new Error('simulated generator failure')
    const version = `${context.term}.${queued.attempts}`
    this.results.put(queued.request.id, { term: context.term, version, writer: host.id })
    const result = { key: `result/${queued.request.id}`, version }
    if (this.random.next() < 0.2) this.reportLate(queued.request.id, context.term, result)
    this.hooks.resultStored?.(host)
    return result
  }

  /**
   * The same completion again, later, to whoever leads then: a report that was
   * forwarded or retried. The queue must take it at most once, and refuse it
   * once a newer term has claimed the request again.
   */
  private reportLate (requestId: string, term: number, result: GenerationResult): void {
    this.scheduler.after(this.random.next() * 1500, () => {
      const node = this.leader?.node
      if (node === undefined) return
      this.stats.lateReports++
      node.propose({ type: 'complete', term, requestId, result }).catch(() => {})
    })
  }

  /** Loses everything the voter holds in memory; its disk stays. */
  crash (host: Host, why: string): void {
    if (!host.alive) return
    host.alive = false
    host.incarnation++
    host.node = undefined
    host.machine = undefined
    host.worker = undefined
    host.handler = undefined
    host.pausedUntil = 0
    this.stats.crashes++
    this.step(`crash ${host.id} (${why})`)
  }

  restartAfter (host: Host, ms: number): void {
    this.scheduler.after(ms, () => {
      if (host.alive) return
      this.step(`restart ${host.id}`)
      this.boot(host).catch(error => { this.history.problem(`restart of ${host.id} failed: ${(error as Error).message}`) })
    })
  }

  pause (host: Host, ms: number): void {
    host.pausedUntil = Math.max(host.pausedUntil, this.now + ms)
    this.step(`pause ${host.id} for ${ms.toFixed(0)} ms`)
  }
}

/** A voter's view of its disk: nothing once it crashed, and a crash can strike just before a write lands. */
class SimStorage implements RaftStorage<QueueCommand> {
  constructor (private readonly cluster: SimCluster, private readonly host: Host, private readonly incarnation: number) {}

  private writes (kind: WriteKind, hard?: HardState): boolean {
    if (!this.host.alive || this.host.incarnation !== this.incarnation) return false
    if (this.cluster.hooks.crashBeforeWrite?.(this.host, kind, hard) === true) {
      this.cluster.crash(this.host, `before its ${kind} write${hard?.votedFor !== undefined ? ` (vote for ${hard.votedFor} in term ${hard.term})` : ''} reached the disk`)
      return false
    }
    return true
  }

  async load (options?: StorageOptions): Promise<StoredState<QueueCommand>> {
    if (!this.host.alive || this.host.incarnation !== this.incarnation) return await never
    return await this.host.disk.load(options)
  }

  async saveHardState (state: HardState, options?: StorageOptions): Promise<void> {
    if (!this.writes('hard', state)) return await never
    await this.host.disk.saveHardState(state, options)
  }

  async append (entries: ReadonlyArray<Entry<QueueCommand>>, options?: StorageOptions): Promise<void> {
    if (!this.writes('append')) return await never
    await this.host.disk.append(entries, options)
  }

  async truncateFrom (index: number, options?: StorageOptions): Promise<void> {
    if (!this.writes('truncate')) return await never
    await this.host.disk.truncateFrom(index, options)
  }

  async saveSnapshot (snapshot: Snapshot, options?: StorageOptions): Promise<void> {
    if (!this.writes('snapshot')) return await never
    await this.host.disk.saveSnapshot(snapshot, options)
  }
}
