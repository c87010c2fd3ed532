import type { ContextDraft } from '../record/context-item.ts'
import type { ContentType } from '../roles/authority.ts'
import { runBatch } from './batch.ts'
import type { BatchFailure, BatchOptions, BatchProgress } from './batch.ts'
import type { PutOptions, PutResult } from './types.ts'

export interface PutManyItem {
  readonly address: string
  readonly draft: ContextDraft
  /** The role to write as. */
  readonly as: string
  readonly type?: ContentType
}

export type PutManyProgress = BatchProgress

export type PutManyOptions = BatchOptions

export interface PutManyResult {
  /** The items stored, in item order, each with its index. */
  readonly stored: Array<PutResult & { readonly index: number }>
  /** Items whose write failed with a named error; the others are unaffected. */
  readonly failed: BatchFailure[]
  /** Items not written because the signal fired, by index: write them again. */
  readonly unfinished: number[]
  readonly aborted: boolean
}

/**
 * Pipelines writes: up to `concurrency` in flight, each still acknowledged by
 * its relays before it counts. Writes to one address keep their order (the
 * peer writes an address one version after another). A write refused or
 * failed with a named error is reported and the rest go on; an abort stops
 * the batch and reports what was written (runBatch).
 */
export async function putMany (put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>, items: readonly PutManyItem[], options: PutManyOptions = {}): Promise<PutManyResult> {
  const { signal } = options
  const outcome = await runBatch(items.map(item => item.address), async index => {
    const item = items[index] as PutManyItem
    return await put(item.address, item.draft, { as: item.as, ...(item.type === undefined ? {} : { type: item.type }), ...(signal === undefined ? {} : { signal }) })
  }, options)
  return { stored: outcome.done.map(({ index, value }) => ({ ...value, index })), failed: outcome.failed, unfinished: outcome.unfinished, aborted: outcome.aborted }
}
