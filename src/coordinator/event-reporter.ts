import { FencedError } from '../errors.ts'
import type { Clock } from '../raft/clock.ts'
import type { Work } from '../raft/queue-worker.ts'
import type { Role } from '../raft/types.ts'
import type { CoordinatorEvent, GenerationOutcome } from './types.ts'

/**
 * Turns what the Raft node and the worker do into the coordinator's events
 * for metrics and logs: role and term changes, elections, leaders learnt,
 * and each generation attempt with its outcome and latency.
 */
export class EventReporter {
  private lastTerm = 0
  private lastLeader: string | undefined

  constructor (private readonly clock: Clock, private readonly listener: ((event: CoordinatorEvent) => void) | undefined) {}

  emit (event: CoordinatorEvent): void {
    try {
      this.listener?.(event)
    } catch {
      // A listener's fault must not break Raft's callbacks.
    }
  }

  /** Returns whether the term changed. */
  roleChanged (role: Role, term: number, leader: string | undefined): boolean {
    this.emit({ type: 'role', role, term, leader })
    const newTerm = term !== this.lastTerm
    if (newTerm) {
      this.emit({ type: 'term', term, previous: this.lastTerm })
      this.lastTerm = term
      this.lastLeader = undefined
    }
    if (role === 'candidate') this.emit({ type: 'election', term })
    if (leader !== undefined && leader !== this.lastLeader) this.emit({ type: 'leader', term, leader })
    this.lastLeader = leader
    return newTerm
  }

  /** `work`, timed on the monotonic clock and reported by outcome. */
  timed (work: Work): Work {
    return async (queued, context) => {
      const started = this.clock.now()
      const report = (outcome: GenerationOutcome, error?: Error): void => {
        this.emit({ type: 'generation', requestId: queued.request.id, term: context.term, outcome, ms: this.clock.now() - started, ...(error === undefined ? {} : { error }) })
      }
      try {
        const result = await work(queued, context)
        report(context.signal.aborted ? 'aborted' : 'done')
        return result
      } catch (error) {
        report(context.signal.aborted ? 'aborted' : error instanceof FencedError ? 'fenced' : 'error', error as Error)
        throw error
      }
    }
  }
}
