/**
 * Vector clocks order record versions without trusting wall clocks: each writer
 * (an author's public key, base64url) advances its own counter on every write.
 */
export type VectorClock = Readonly<Record<string, number>>

export type ClockOrder = 'before' | 'after' | 'equal' | 'concurrent'

export const emptyClock: VectorClock = Object.freeze({})

/** The clock after `actor` writes once more on top of `clock`. */
export function increment (clock: VectorClock, actor: string): VectorClock {
  return { ...clock, [actor]: (clock[actor] ?? 0) + 1 }
}

/** The least clock that dominates or equals both. */
export function merge (a: VectorClock, b: VectorClock): VectorClock {
  const out: Record<string, number> = { ...a }
  for (const [actor, counter] of Object.entries(b)) {
    if (counter > (out[actor] ?? 0)) out[actor] = counter
  }
  return out
}

/** How `a` relates to `b`: 'before' means b has seen everything a has, and more. */
export function compare (a: VectorClock, b: VectorClock): ClockOrder {
  let aAhead = false
  let bAhead = false
  for (const actor of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[actor] ?? 0
    const y = b[actor] ?? 0
    if (x > y) aAhead = true
    else if (y > x) bAhead = true
    if (aAhead && bAhead) return 'concurrent'
  }
  if (aAhead) return 'after'
  if (bAhead) return 'before'
  return 'equal'
}

/** True when `a` has seen everything `b` has, and something more. */
export function dominates (a: VectorClock, b: VectorClock): boolean {
  return compare(a, b) === 'after'
}

/** Actors in a fixed order, so a clock always encodes to the same bytes. */
export function sortedEntries (clock: VectorClock): Array<[string, number]> {
  return Object.entries(clock)
    .filter(([, counter]) => counter > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
}
