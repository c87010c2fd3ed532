export { compare, dominates, emptyClock, increment, merge, sortedEntries } from './vector-clock.ts'
export type { ClockOrder, VectorClock } from './vector-clock.ts'
