import type { RaftState } from './state.ts'
import type { RaftStorage } from './storage.ts'
import type { Transport } from './transport.ts'
import type { RaftMessage, Snapshot } from './types.ts'

export interface TaskQueueComponents<C> {
  state: Pick<RaftState<C>, 'term' | 'votedFor' | 'log'>
  storage: RaftStorage<C>
  transport: Transport<C>
  /** Aborts the storage calls when the node stops. */
  signal: AbortSignal
  /** The test-only mutation: answers go out before the term and vote they depend on are on disk. */
  answerBeforePersistingHardState: boolean
  stopped: () => boolean
  /** After the writes: the leader may count its own log further towards a majority. */
  persisted: () => void
  /** After the messages: applies what is committed (and may ask for a snapshot to be written). */
  applyCommitted: () => void
  fail: (error: Error) => void
}

/**
 * Everything the node does runs as one task at a time: a task changes the
 * state in memory, then the task's writes reach storage (term and vote first,
 * then snapshot, then log), and only then are its messages sent and committed
 * entries applied. So no answer ever depends on something that a crash could
 * take back: a granted vote, an adopted term, an acknowledged entry.
 */
export class TaskQueue<C> {
  private queue: Promise<void> = Promise.resolve()
  // What the running task must write before it sends anything.
  private hardStateDirty = false
  private logDirtyFrom: number | undefined
  private pendingSnapshot: Snapshot | undefined
  private outbox: Array<RaftMessage<C>> = []
  private persistedIndexValue = 0

  constructor (private readonly components: TaskQueueComponents<C>) {}

  /** Last index on disk: the leader counts itself towards a majority only up to here. */
  get persistedIndex (): number { return this.persistedIndexValue }

  /** Queues a task: a synchronous state change, then its writes, then its messages and applies. */
  run (task: () => void): void {
    this.queue = this.queue.then(async () => {
      if (this.components.stopped()) return
      task()
      await this.persist()
      const messages = this.outbox
      this.outbox = []
      for (const message of messages) this.components.transport.send(message.to, message)
      if (this.hardStateDirty) await this.persist() // only with the mutation switch on: the vote goes out before it is on disk
      this.components.applyCommitted()
      if (this.pendingSnapshot !== undefined) await this.persist()
    }).catch(error => { this.components.fail(error as Error) })
  }

  /** Resolves once the tasks queued so far are done. */
  idle (): Promise<void> {
    return this.queue
  }

  /** Sends `message` once the running task's writes are on disk. */
  send (message: RaftMessage<C>): void {
    this.outbox.push(message)
  }

  /** The term or vote changed: write them before answering. */
  markHardStateDirty (): void {
    this.hardStateDirty = true
  }

  /** The log changed from index `from` on: write it before answering, and count nothing from there as on disk. */
  markLogDirty (from: number): void {
    this.logDirtyFrom = Math.min(this.logDirtyFrom ?? Infinity, from)
    this.persistedIndexValue = Math.min(this.persistedIndexValue, from - 1)
  }

  /** A snapshot was taken or received: write it (with the log change it implies) in this task. */
  saveSnapshot (snapshot: Snapshot): void {
    this.pendingSnapshot = snapshot
  }

  /** A received snapshot replaced the log in memory, which now ends at `lastIndex`: nothing past it counts as on disk. */
  logEndsAt (lastIndex: number): void {
    this.persistedIndexValue = Math.min(this.persistedIndexValue, lastIndex)
  }

  /** The log just loaded from disk is all on disk. */
  loaded (lastIndex: number): void {
    this.persistedIndexValue = lastIndex
  }

  private async persist (): Promise<void> {
    const { state, storage } = this.components
    const options = { signal: this.components.signal }
    if (this.hardStateDirty && !(this.components.answerBeforePersistingHardState && this.outbox.length > 0)) {
      this.hardStateDirty = false
      await storage.saveHardState({ term: state.term, ...(state.votedFor === undefined ? {} : { votedFor: state.votedFor }) }, options)
    }
    if (this.pendingSnapshot !== undefined) {
      const snapshot = this.pendingSnapshot
      this.pendingSnapshot = undefined
      await storage.saveSnapshot(snapshot, options)
    }
    if (this.logDirtyFrom !== undefined) {
      const from = this.logDirtyFrom
      this.logDirtyFrom = undefined
      if (from <= state.log.lastIndex) await storage.append(state.log.slice(from, state.log.lastIndex), options)
      else await storage.truncateFrom(from, options)
    }
    this.persistedIndexValue = state.log.lastIndex
    this.components.persisted()
  }
}
