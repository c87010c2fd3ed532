import { AbortError, LeadershipLostError, NotLeaderError, throwIfAborted } from '../errors.ts'
import type { Clock } from './clock.ts'
import type { ProposeOptions } from './node-api.ts'
import type { Replication } from './replication.ts'
import type { RaftState } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { Entry, NodeId } from './types.ts'

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

export interface ProposalsComponents<C> {
  id: NodeId
  clock: Pick<Clock, 'now'>
  state: Pick<RaftState<C>, 'term' | 'role' | 'leader' | 'log'>
  tasks: Pick<TaskQueue<C>, 'run' | 'markLogDirty'>
  stopped: () => boolean
  /** Sends the entries just appended to the followers. */
  replication: Pick<Replication<C>, 'replicate'>
}

/**
 * Commands waiting to enter the log, then to commit: the proposals that
 * arrive while a task runs go into the log together in the next one, and
 * each settles when its entry is applied, or when it cannot commit any more.
 */
export class Proposals<C, R> {
  private pending: Array<Proposal<C, R>> = []
  private flushScheduled = false
  private readonly waiters = new Map<number, Proposal<C, R>>()

  constructor (private readonly components: ProposalsComponents<C>) {}

  /** See RaftNode.propose. */
  async propose (command: C, options: ProposeOptions = {}): Promise<R | undefined> {
    const { id, state } = this.components
    throwIfAborted(options.signal)
    if (this.components.stopped()) throw new AbortError('raft node stopped')
    if (state.role !== 'leader') throw new NotLeaderError(`${id} is not the leader`, state.leader)
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
      this.pending.push(proposal)
      if (!this.flushScheduled) {
        this.flushScheduled = true
        this.components.tasks.run(() => { this.flush() })
      }
    })
  }

  /** Settles the proposal waiting for `entry`'s index, which `entry` fulfils only if it is the proposal's own (same term). */
  applied (entry: Entry<C>, result: R | undefined): void {
    const waiter = this.waiters.get(entry.index)
    if (waiter === undefined) return
    if (waiter.term === entry.term) this.settle(waiter, undefined, result)
    else this.settle(waiter, new LeadershipLostError('another leader\'s entry took the proposal\'s place; retry with the same request id'))
  }

  /** Fails every proposal not yet settled. */
  rejectAll (error: () => Error): void {
    for (const proposal of [...this.pending, ...this.waiters.values()]) this.settle(proposal, error())
  }

  private flush (): void {
    const { id, state } = this.components
    this.flushScheduled = false
    const batch = this.pending.filter(proposal => proposal.signal?.aborted !== true)
    this.pending = []
    if (batch.length === 0) return
    if (state.role !== 'leader') {
      for (const proposal of batch) this.settle(proposal, new NotLeaderError(`${id} is not the leader`, state.leader))
      return
    }
    const first = state.log.lastIndex + 1
    const entries = batch.map((proposal, i) => {
      proposal.index = first + i
      proposal.term = state.term
      this.waiters.set(proposal.index, proposal)
      return { index: proposal.index, term: state.term, command: proposal.command }
    })
    state.log.append(entries)
    this.components.tasks.markLogDirty(first)
    this.components.replication.replicate(this.components.clock.now())
  }

  private settle (proposal: Proposal<C, R>, error: Error | undefined, result?: R): void {
    this.forget(proposal)
    proposal.signal?.removeEventListener('abort', proposal.onAbort)
    if (error !== undefined) proposal.reject(error)
    else proposal.resolve(result)
  }

  private forget (proposal: Proposal<C, R>): void {
    if (proposal.index !== undefined && this.waiters.get(proposal.index) === proposal) this.waiters.delete(proposal.index)
    const at = this.pending.indexOf(proposal)
    if (at >= 0) this.pending.splice(at, 1)
  }
}
