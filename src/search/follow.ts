import type { Listing, ListOptions } from '../directory/directory.ts'
import { throwIfAborted } from '../errors.ts'
import { inParallel } from '../lock/in-parallel.ts'
import type { GetOptions, GetResult } from '../peer/types.ts'

export interface FollowSource {
  list: (project: string, options: ListOptions) => Promise<Listing>
  cached: (address: string) => Promise<GetResult | undefined>
  get: (address: string, options: GetOptions) => Promise<GetResult>
}

export interface FollowOptions {
  /** Items read from the relays at most (the rest wait for the next call). Default: all. */
  readonly limit?: number
  /** Reads in flight. Default 8. */
  readonly concurrency?: number
  /** The listing may be this old. Default 30 s. */
  readonly maxAgeMs?: number
  readonly onProgress?: (progress: { done: number, total: number }) => void
  readonly signal?: AbortSignal
}

export interface FollowReport {
  /** Addresses of the project the roles can read. */
  readonly listed: number
  /** Read from the relays now (and so indexed). */
  readonly read: number
  /** Could not be read (gone, or not readable with these keys). */
  readonly failed: number
  /** Still to read, over the limit. */
  readonly unread: number
}

/**
 * Reads every item of a project this peer has not read yet, so that search
 * (which runs over what the peer decrypted) covers all the project holds for
 * its roles, not only what it happened to open.
 */
export async function followProject (source: FollowSource, project: string, options: FollowOptions = {}): Promise<FollowReport> {
  const signal = options.signal === undefined ? {} : { signal: options.signal }
  const listing = await source.list(project, { maxAgeMs: options.maxAgeMs ?? 30_000, ...signal })
  const unseen: string[] = []
  for (const entry of listing.entries) if (await source.cached(entry.address) === undefined) unseen.push(entry.address)
  const batch = unseen.slice(0, options.limit ?? unseen.length)
  let done = 0
  let failed = 0
  await inParallel(batch, options.concurrency ?? 8, async address => {
    throwIfAborted(options.signal)
    // One unreadable or vanished item must not stop the rest.
    await source.get(address, signal).catch(() => { failed++ })
    options.onProgress?.({ done: ++done, total: batch.length })
  })
  return { listed: listing.entries.length, read: batch.length - failed, failed, unread: unseen.length - batch.length }
}
