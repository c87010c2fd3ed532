/**
 * Time as the Raft node sees it: a monotonic clock in milliseconds and timers.
 * Injected so the same node runs on a real runtime and in a simulation whose
 * time only moves when the simulation says so. Never wall time: a wall clock
 * stepped by NTP would stretch or cut the leader's lease.
 */
export interface Clock {
  /** Milliseconds on a monotonic clock (any origin). */
  now: () => number
  /** Runs `callback` once after `ms`; returns a function that cancels it. */
  setTimer: (ms: number, callback: () => void) => () => void
}

/** The runtime's monotonic clock (`performance.now`) and `setTimeout`: works on Node, Bun, Deno and browsers. */
export function systemClock (): Clock {
  return {
    now: () => performance.now(),
    setTimer: (ms, callback) => {
      const timer = setTimeout(callback, Math.max(0, ms))
      return () => { clearTimeout(timer) }
    }
  }
}

/**
 * Wraps a clock so it never goes back: a source that jumps backwards stalls
 * instead, and durations measured on it are never negative. (A stall can only
 * lengthen how long this node thinks it waited for; the lease reasoning in
 * node.ts still needs a clock that does not jump, which monotonic clocks are.)
 */
export function nonDecreasing (clock: Clock): Clock {
  let last = -Infinity
  return {
    now: () => {
      last = Math.max(last, clock.now())
      return last
    },
    setTimer: (ms, callback) => clock.setTimer(ms, callback)
  }
}
