/**
 * A least-recently-used map with a fixed capacity. A Map iterates in insertion order,
 * so re-inserting on every access keeps the least recently used entry first.
 */
export class LruCache<K, V> {
  readonly #capacity: number
  readonly #onEvict: ((key: K, value: V) => void) | undefined
  readonly #entries = new Map<K, V>()

  constructor (capacity: number, onEvict?: (key: K, value: V) => void) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`LRU capacity must be a positive integer, got ${capacity}`)
    }
    this.#capacity = capacity
    this.#onEvict = onEvict
  }

  get size (): number {
    return this.#entries.size
  }

  /** Returns the value and marks it most recently used. */
  get (key: K): V | undefined {
    if (!this.#entries.has(key)) return undefined
    const value = this.#entries.get(key) as V
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  /** Returns the value without changing its recency. */
  peek (key: K): V | undefined {
    return this.#entries.get(key)
  }

  has (key: K): boolean {
    return this.#entries.has(key)
  }

  /** Inserts as most recently used, evicting the least recently used beyond capacity. */
  set (key: K, value: V): void {
    this.#entries.delete(key)
    this.#entries.set(key, value)
    while (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.entries().next().value
      if (oldest === undefined) break
      this.#entries.delete(oldest[0])
      this.#onEvict?.(oldest[0], oldest[1])
    }
  }

  delete (key: K): boolean {
    return this.#entries.delete(key)
  }

  clear (): void {
    this.#entries.clear()
  }

  /** Least recently used first; iterating does not change recency. */
  entries (): IterableIterator<[K, V]> {
    return this.#entries.entries()
  }
}
