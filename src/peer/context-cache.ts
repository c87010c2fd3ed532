import { parseAddress } from '../address/index.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import type { KVStore, StoreOptions } from '../store/types.ts'
import type { GetResult, SearchQuery } from './types.ts'
import { isReservedAddress } from '../directory/layout.ts'

const PREFIX = 'context/'

/**
 * What a peer decrypted, kept on its device (IndexedDB in browsers, memory by
 * default) for offline reads, search and sync: the only plaintext anywhere in
 * the mesh, so it expires (`ttlMs` since last fetched) and can be forgotten
 * by role when a key is removed.
 */
export class ContextCache {
  constructor (private readonly store: KVStore, private readonly ttlMs: number) {}

  async open (options: StoreOptions = {}): Promise<void> {
    await this.store.open(options)
  }

  async close (): Promise<void> {
    await this.store.close()
  }

  /** The last result read for `address` (canonical), unless it expired. */
  async get (address: string, options: StoreOptions = {}): Promise<GetResult | undefined> {
    const bytes = await this.store.get(keyOf(address), options)
    if (bytes === undefined) return undefined
    const result = JSON.parse(utf8Decode(bytes)) as GetResult
    if (this.expired(result)) {
      await this.store.delete(keyOf(address), options)
      return undefined
    }
    return result
  }

  /** Keeps `result`; true when it shows another version than what was kept (an update). */
  async put (address: string, result: GetResult, options: StoreOptions = {}): Promise<boolean> {
    const before = await this.store.get(keyOf(address), options)
    await this.store.put(keyOf(address), utf8Encode(JSON.stringify(result)), options)
    return before === undefined || versionId(JSON.parse(utf8Decode(before)) as GetResult) !== versionId(result)
  }

  async delete (address: string, options: StoreOptions = {}): Promise<void> {
    await this.store.delete(keyOf(address), options)
  }

  /** Every address kept, expired or not. */
  async addresses (options: StoreOptions = {}): Promise<string[]> {
    const addresses: string[] = []
    for await (const [key] of this.store.list(PREFIX, options)) addresses.push(key.slice(PREFIX.length))
    return addresses
  }

  /** Every result kept and not expired, in store order. */
  async * all (options: StoreOptions = {}): AsyncIterable<GetResult> {
    for await (const [, bytes] of this.store.list(PREFIX, options)) {
      const result = JSON.parse(utf8Decode(bytes)) as GetResult
      if (!this.expired(result)) yield result
    }
  }

  /** Newest first; expired entries are dropped on the way. */
  async search (query: SearchQuery = {}): Promise<GetResult[]> {
    const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(word => word !== '')
    const found: GetResult[] = []
    const expired: string[] = []
    const signal = query.signal === undefined ? {} : { signal: query.signal }
    for await (const [key, bytes] of this.store.list(PREFIX, signal)) {
      const result = JSON.parse(utf8Decode(bytes)) as GetResult
      if (this.expired(result)) {
        expired.push(key)
        continue
      }
      if (matches(result, query, words)) found.push(result)
    }
    for (const key of expired) await this.store.delete(key, signal)
    found.sort((a, b) => b.meta.updated - a.meta.updated)
    return query.limit === undefined ? found : found.slice(0, query.limit)
  }

  /** Drops everything, or what was read with one role; returns how many entries. */
  async forget (options: { readAs?: string, signal?: AbortSignal } = {}): Promise<number> {
    const signal = options.signal === undefined ? {} : { signal: options.signal }
    const doomed: string[] = []
    for await (const [key, bytes] of this.store.list(PREFIX, signal)) {
      if (options.readAs === undefined || (JSON.parse(utf8Decode(bytes)) as GetResult).meta.readAs === options.readAs) doomed.push(key)
    }
    await this.store.batch(doomed.map(key => ({ type: 'delete' as const, key })), signal)
    return doomed.length
  }

  private expired (result: GetResult): boolean {
    return Date.now() - (result.fetchedAt ?? 0) > this.ttlMs
  }
}

function keyOf (address: string): string {
  return `${PREFIX}${address}`
}

/** Identifies what a reader saw: the winner's clock and the conflicting versions. */
function versionId (result: GetResult): string {
  return JSON.stringify([result.meta.version, result.conflicts.map(conflict => conflict.meta.version)])
}

function matches (result: GetResult, query: SearchQuery, words: readonly string[]): boolean {
  const { item, meta } = result
  // The directory's records are slurp's own bookkeeping, not context anyone wrote.
  if (isReservedAddress(item.address)) return false
  if (query.role !== undefined && meta.role !== query.role) return false
  if (query.type !== undefined && meta.contentType !== query.type) return false
  if (query.since !== undefined && meta.updated < query.since) return false
  if (query.until !== undefined && meta.updated > query.until) return false
  if (query.project !== undefined && projectOf(item.address) !== query.project.toLowerCase()) return false
  if (words.length === 0) return true
  const haystack = [item.address, item.summary, item.purpose ?? '', item.body ?? '', ...item.tags, ...item.technologies, ...item.insights].join('\n').toLowerCase()
  return words.every(word => haystack.includes(word))
}

function projectOf (address: string): string {
  try {
    return parseAddress(address).project.toLowerCase()
  } catch {
    return ''
  }
}
