import { runBatch } from './batch.ts'
import type { BatchFailure, BatchOptions } from './batch.ts'
import type { GetOptions, GetResult } from './types.ts'

export interface GetManyOptions extends BatchOptions {
  /** Read as this role only (default: any held role). */
  readonly as?: string
}

export interface GetManyResult {
  /** The items read, in the order of the addresses, each with its index. */
  readonly found: Array<GetResult & { readonly index: number }>
  /** Addresses whose read failed with a named error (NotFoundError, AccessDeniedError, NetworkError…). */
  readonly failed: BatchFailure[]
  /** Addresses not read because the signal fired, by index: read them again. */
  readonly unfinished: number[]
  readonly aborted: boolean
}

/**
 * Reads many addresses, `concurrency` at once (default 32), each verified and
 * decrypted as get() does; every address ends up found, failed (with its
 * named error) or, after an abort, unfinished (runBatch).
 */
export async function getMany (get: (address: string, options: GetOptions) => Promise<GetResult>, addresses: readonly string[], options: GetManyOptions = {}): Promise<GetManyResult> {
  const { signal, as } = options
  const outcome = await runBatch(addresses, async index =>
    await get(addresses[index] as string, { ...(as === undefined ? {} : { as }), ...(signal === undefined ? {} : { signal }) }), options)
  return { found: outcome.done.map(({ index, value }) => ({ ...value, index })), failed: outcome.failed, unfinished: outcome.unfinished, aborted: outcome.aborted }
}
