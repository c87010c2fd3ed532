import { AbortError } from '../errors.ts'

/**
 * At most `limit` calls at once; the rest wait their turn, first come first
 * served. A request channel resets when the asker has more than
 * MAX_REQUESTS_IN_FLIGHT (512) requests on it, so whoever may have thousands
 * at once (a follower forwarding, a client indexing a repository) goes
 * through one of these.
 */
export class Limiter {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor (private readonly limit: number) {}

  async run<T> (call: () => Promise<T>, signal: AbortSignal): Promise<T> {
    await this.acquire(signal)
    try {
      return await call()
    } finally {
      this.active--
      this.waiting.shift()?.()
    }
  }

  private async acquire (signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new AbortError('aborted while waiting for a turn', { cause: signal.reason })
    if (this.active < this.limit) {
      this.active++
      return
    }
    await new Promise<void>((resolve, reject) => {
      const turn = (): void => {
        signal.removeEventListener('abort', onAbort)
        this.active++
        resolve()
      }
      const onAbort = (): void => {
        const at = this.waiting.indexOf(turn)
        if (at >= 0) this.waiting.splice(at, 1)
        reject(new AbortError('aborted while waiting for a turn', { cause: signal.reason }))
      }
      this.waiting.push(turn)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
