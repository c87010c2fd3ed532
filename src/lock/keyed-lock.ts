/**
 * Runs work for one key one after another, and work for different keys at
 * once. A failed run does not stop the next one. Holds nothing for keys with
 * no work queued.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>()

  async run<T> (key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.catch(() => {}).then(work)
    this.tails.set(key, next)
    try {
      return await next
    } finally {
      if (this.tails.get(key) === next) this.tails.delete(key)
    }
  }

  /** Keys with work queued or running. */
  get size (): number {
    return this.tails.size
  }
}
