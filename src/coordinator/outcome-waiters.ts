import { AbortError, throwIfAborted } from '../errors.ts'
import type { QueueCommand } from '../raft/queue-commands.ts'
import type { QueueMachine } from '../raft/queue-machine.ts'
import type { Entry } from '../raft/types.ts'
import type { RequestOutcome } from './types.ts'

interface Waiter {
  readonly id: string
  resolve: (outcome: RequestOutcome) => void
  reject: (error: Error) => void
  detach: () => void
  /** Where it waits now. */
  home?: { map: Map<string, Set<Waiter>>, key: string }
}

/**
 * Callers waiting for requests to finish, settled from the entries this voter
 * applies (every voter applies the same log, so any voter can answer). Waiters
 * are kept under the request that does the work (the canonical id), so a
 * completion looks at its own waiters only; a waiter for an id the log has not
 * reached yet waits under that id until its request entry is applied.
 */
export class OutcomeWaiters {
  private readonly byCanonical = new Map<string, Set<Waiter>>()
  private readonly unknown = new Map<string, Set<Waiter>>()

  constructor (private readonly machine: QueueMachine) {}

  /** The outcome now, if the request (or the one it was deduplicated to) is finished. */
  outcomeOf (requestId: string): RequestOutcome | undefined {
    const queued = this.machine.get(requestId)
    if (queued === undefined || (queued.state !== 'done' && queued.state !== 'failed')) return undefined
    return {
      requestId,
      canonicalId: queued.request.id,
      state: queued.state,
      ...(queued.result === undefined ? {} : { result: { ...queued.result } }),
      ...(queued.failure === undefined ? {} : { failure: queued.failure })
    }
  }

  async wait (requestId: string, signal: AbortSignal): Promise<RequestOutcome> {
    const now = this.outcomeOf(requestId)
    if (now !== undefined) return now
    throwIfAborted(signal)
    return await new Promise<RequestOutcome>((resolve, reject) => {
      const onAbort = (): void => {
        waiter.detach()
        reject(new AbortError('stopped waiting for the request', { cause: signal.reason }))
      }
      const waiter: Waiter = {
        id: requestId,
        resolve,
        reject,
        detach: () => {
          signal.removeEventListener('abort', onAbort)
          this.remove(waiter)
        }
      }
      signal.addEventListener('abort', onAbort, { once: true })
      this.add(waiter)
    })
  }

  /** Called for every applied entry. */
  applied (entry: Entry<QueueCommand>): void {
    const command = entry.command
    if (command === undefined) return
    if (command.type === 'request') {
      const waiting = this.unknown.get(command.request.id)
      if (waiting === undefined) return
      this.unknown.delete(command.request.id)
      for (const waiter of waiting) {
        waiter.home = undefined
        this.add(waiter)
      }
    } else if (command.type === 'complete' || command.type === 'fail') {
      const canonical = this.machine.canonicalId(command.requestId)
      const waiting = canonical === undefined ? undefined : this.byCanonical.get(canonical)
      for (const waiter of waiting ?? []) this.check(waiter)
    }
  }

  /** The machine was replaced by a snapshot: anything may have changed. */
  restored (): void {
    const all = [...this.byCanonical.values(), ...this.unknown.values()].flatMap(set => [...set])
    this.byCanonical.clear()
    this.unknown.clear()
    for (const waiter of all) {
      waiter.home = undefined
      this.add(waiter)
    }
  }

  rejectAll (error: () => Error): void {
    const all = [...this.byCanonical.values(), ...this.unknown.values()].flatMap(set => [...set])
    for (const waiter of all) {
      waiter.detach()
      waiter.reject(error())
    }
  }

  private add (waiter: Waiter): void {
    if (this.check(waiter)) return
    const canonical = this.machine.canonicalId(waiter.id)
    const map = canonical === undefined ? this.unknown : this.byCanonical
    const key = canonical ?? waiter.id
    let set = map.get(key)
    if (set === undefined) map.set(key, set = new Set())
    set.add(waiter)
    waiter.home = { map, key }
  }

  /** Settles the waiter if its request is finished; true if it did. */
  private check (waiter: Waiter): boolean {
    const outcome = this.outcomeOf(waiter.id)
    if (outcome === undefined) return false
    waiter.detach()
    waiter.resolve(outcome)
    return true
  }

  private remove (waiter: Waiter): void {
    const home = waiter.home
    if (home === undefined) return
    waiter.home = undefined
    const set = home.map.get(home.key)
    if (set?.delete(waiter) === true && set.size === 0) home.map.delete(home.key)
  }
}
