import { SlurpError, UsageError } from '../errors.ts'
import { inParallel } from '../lock/in-parallel.ts'

/** After each item, stored/read or failed. */
export interface BatchProgress {
  readonly done: number
  readonly failed: number
  readonly total: number
  /** The item that just finished: its index in the batch. */
  readonly index: number
  /** Why it failed, when it did. */
  readonly error?: SlurpError
}

export interface BatchOptions {
  /** Items in flight at once. Default 32. */
  readonly concurrency?: number
  /**
   * Stops the batch: no item starts after it fires, items in flight are
   * stopped, and the batch resolves with what was done (`aborted`, `unfinished`).
   */
  readonly signal?: AbortSignal
  /** Called after every item, done or failed (never for unfinished ones). */
  readonly onProgress?: (progress: BatchProgress) => void
}

export interface BatchFailure {
  readonly index: number
  readonly address: string
  readonly error: SlurpError
}

export interface BatchOutcome<R> {
  /** By index. */
  readonly done: Array<{ readonly index: number, readonly value: R }>
  /** Items that failed with a named error, by index; the others were unaffected. */
  readonly failed: BatchFailure[]
  /** Items not done because the signal fired (never started, or stopped midway), by index: run them again. */
  readonly unfinished: number[]
  /** The signal fired before every item was done. */
  readonly aborted: boolean
}

/**
 * Runs `work` on every item, `concurrency` at once (inParallel), and accounts
 * for every one: done, failed (a named error; the rest go on) or unfinished
 * (the signal fired). Anything else thrown (a bug) starts no further item and
 * is rethrown once the items in flight have settled, so nothing runs on
 * after the caller was told the batch ended.
 */
export async function runBatch<R> (addresses: readonly string[], work: (index: number) => Promise<R>, options: BatchOptions = {}): Promise<BatchOutcome<R>> {
  const concurrency = options.concurrency ?? 32
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('concurrency must be a whole number ≥ 1')
  const { signal } = options
  const done: Array<{ index: number, value: R }> = []
  const failed: BatchFailure[] = []
  const unfinished: number[] = []
  let fatal: { error: unknown } | undefined
  // A function, not a narrowed property: the signal fires while items are awaited.
  const aborted = (): boolean => signal?.aborted === true
  await inParallel(addresses.map((_, index) => index), concurrency, async index => {
    if (fatal !== undefined || aborted()) {
      unfinished.push(index)
      return
    }
    try {
      try {
        done.push({ index, value: await work(index) })
      } catch (error) {
        // Whatever an item stopped by the abort threw, it is not a failure of that item.
        if (aborted()) {
          unfinished.push(index)
          return
        }
        if (!(error instanceof SlurpError)) throw error
        failed.push({ index, address: addresses[index] as string, error })
        options.onProgress?.({ done: done.length + failed.length, failed: failed.length, total: addresses.length, index, error })
        return
      }
      options.onProgress?.({ done: done.length + failed.length, failed: failed.length, total: addresses.length, index })
    } catch (error) {
      fatal ??= { error }
    }
  })
  if (fatal !== undefined) throw fatal.error
  return {
    done: done.sort((a, b) => a.index - b.index),
    failed: failed.sort((a, b) => a.index - b.index),
    unfinished: unfinished.sort((a, b) => a - b),
    aborted: unfinished.length > 0
  }
}
