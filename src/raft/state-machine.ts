import type { Entry } from './types.ts'

/**
 * What the log drives. Every voter applies the same committed entries in the
 * same order, so `apply` must be deterministic: no clocks, no randomness, no
 * I/O, and it must not throw on bad input (say so in the result instead), or
 * one voter would diverge from the others.
 */
export interface StateMachine<C, R, S> {
  /** Applies one committed entry; `entry.command` undefined is a new leader's no-op (a new term began). */
  apply: (entry: Entry<C>) => R | undefined
  /** The whole state, serialised: Raft's snapshot. */
  snapshot: () => Uint8Array
  /** Replaces the whole state with a snapshot's. */
  restore: (data: Uint8Array) => void
  /** A summary for status pages. */
  status: () => S
}
