/** Calls `use` on the items in turn, one per call: cases cycle through many files so caches miss as on fresh records. */
export function cycle<T> (items: readonly T[], use: (item: T) => unknown): () => unknown {
  let next = 0
  return () => use(items[next++ % items.length] as T)
}

/** Checks two implementations did the same job before they are timed. */
export function expectSame (actual: Uint8Array, expected: Uint8Array, what: string): void {
  if (Buffer.compare(actual, expected) !== 0) throw new Error(`${what} does not round-trip`)
}
