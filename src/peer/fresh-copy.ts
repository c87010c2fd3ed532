import type { GetResult } from './types.ts'

export type CachedRead = (address: string, options: { signal?: AbortSignal }) => Promise<GetResult | undefined>

/**
 * The cached copy of `address` when it was read from the relays at most
 * `maxAgeMs` ago (and read as `as`, when one is asked for); undefined when
 * the caller must ask the relays. What resolve, list and decisionsFor mean
 * by `maxAgeMs`.
 */
export async function freshCopy (cached: CachedRead, address: string, options: { maxAgeMs?: number, as?: string, signal?: AbortSignal, now?: number }): Promise<GetResult | undefined> {
  const maxAgeMs = options.maxAgeMs ?? 0
  if (maxAgeMs <= 0) return undefined
  const copy = await cached(address, options.signal === undefined ? {} : { signal: options.signal })
  if (copy === undefined || (options.now ?? Date.now()) - copy.fetchedAt > maxAgeMs) return undefined
  return options.as === undefined || copy.meta.readAs === options.as ? copy : undefined
}
