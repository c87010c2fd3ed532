import { AbortError, SlurpError, UsageError, throwIfAborted } from '../errors.ts'
import type { ContextDraft } from '../record/context-item.ts'
import type { ContentType } from '../roles/authority.ts'
import type { PutOptions, PutResult } from './types.ts'

export interface PutManyItem {
  readonly address: string
  readonly draft: ContextDraft
  /** The role to write as. */
  readonly as: string
  readonly type?: ContentType
}

export interface PutManyProgress {
  readonly done: number
  readonly failed: number
  readonly total: number
}

export interface PutManyOptions {
  /** Writes in flight at once. Default 32. */
  readonly concurrency?: number
  readonly signal?: AbortSignal
  /** Called after every write, stored or failed. */
  readonly onProgress?: (progress: PutManyProgress) => void
}

export interface PutManyResult {
  /** In the order of the items that were stored. */
  readonly stored: PutResult[]
  /** Items whose write failed with a named error; the others are unaffected. */
  readonly failed: Array<{ readonly index: number, readonly address: string, readonly error: SlurpError }>
}

/**
 * Pipelines writes: up to `concurrency` in flight, each still acknowledged by
 * its relays before it counts. Writes to one address keep their order (the
 * peer writes an address one version after another). A write refused or
 * failed with a named error is reported and the rest go on; anything else
 * (a bug) and an abort stop the batch.
 */
export async function putMany (put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>, items: readonly PutManyItem[], options: PutManyOptions = {}): Promise<PutManyResult> {
  const concurrency = options.concurrency ?? 32
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new UsageError('putMany concurrency must be a whole number ≥ 1')
  throwIfAborted(options.signal)
  const stored: Array<{ index: number, result: PutResult }> = []
  const failed: PutManyResult['failed'] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      throwIfAborted(options.signal)
      const index = next++
      const item = items[index] as PutManyItem
      try {
        const result = await put(item.address, item.draft, { as: item.as, ...(item.type === undefined ? {} : { type: item.type }), ...(options.signal === undefined ? {} : { signal: options.signal }) })
        stored.push({ index, result })
      } catch (error) {
        if (!(error instanceof SlurpError) || error instanceof AbortError) throw error
        failed.push({ index, address: item.address, error })
      }
      options.onProgress?.({ done: stored.length + failed.length, failed: failed.length, total: items.length })
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return { stored: stored.sort((a, b) => a.index - b.index).map(entry => entry.result), failed: failed.sort((a, b) => a.index - b.index) }
}
