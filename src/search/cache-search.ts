import { isReservedAddress } from '../directory/layout.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import type { ContextCache } from '../peer/context-cache.ts'
import type { GetResult } from '../peer/types.ts'
import type { KVStore } from '../store/types.ts'
import { INDEX_FORMAT, SearchIndex, bestSnippet } from './search-index.ts'
import type { Facets, FindQuery } from './search-index.ts'
import type { Snippet } from './snippet.ts'

export interface FoundItem {
  readonly result: GetResult
  readonly score: number
  readonly snippet?: Snippet
}

export interface FindResults {
  readonly total: number
  readonly hits: readonly FoundItem[]
  readonly facets: Facets
}

const SAVED_KEY = 'search/index'

interface Saved { readonly format: number, readonly indexedUpTo: number, readonly index: unknown }

/**
 * The peer's search index, kept in step with its cache: loaded from where it
 * was saved in the cache's store (IndexedDB, LevelDB) and brought up to date
 * with what the cache got since, changed with every result the peer keeps,
 * saved a moment after, and rebuilt from the cache after a key change.
 */
export class CacheSearch {
  private index: SearchIndex | undefined
  private loading: Promise<SearchIndex> | undefined
  private indexedUpTo = 0
  private timer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly cache: ContextCache, private readonly store: KVStore, private readonly options: { saveMs?: number } = {}) {}

  async find (query: FindQuery, options: { signal?: AbortSignal } = {}): Promise<FindResults> {
    const page = (await this.ready()).find(query)
    const hits: FoundItem[] = []
    for (const hit of page.hits) {
      const result = await this.cache.get(hit.address, options)
      // Expired from the cache since it was indexed: it goes at the next rebuild.
      if (result === undefined) continue
      const snippet = bestSnippet(result, hit.terms)
      hits.push({ result, score: hit.score, ...(snippet === undefined ? {} : { snippet }) })
    }
    return { total: page.total, hits, facets: page.facets }
  }

  /** The cache kept `result` (or dropped the address): the index follows, once loaded. */
  changed (address: string, result: GetResult | undefined): void {
    if (this.index === undefined || isReservedAddress(address)) return
    if (result === undefined) this.index.remove(address)
    else {
      this.index.put(result)
      this.indexedUpTo = Math.max(this.indexedUpTo, result.fetchedAt)
    }
    this.scheduleSave()
  }

  /** Keys changed (or the cache was forgotten): rebuilt from the cache at the next find. */
  async invalidate (): Promise<void> {
    this.index = undefined
    this.loading = undefined
    this.indexedUpTo = 0
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    await this.store.delete(SAVED_KEY).catch(() => {})
  }

  /** Writes the index to the store now (stop() does). */
  async save (): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.index === undefined) return
    const saved: Saved = { format: INDEX_FORMAT, indexedUpTo: this.indexedUpTo, index: this.index.toJSON() }
    await this.store.put(SAVED_KEY, utf8Encode(JSON.stringify(saved)))
  }

  private scheduleSave (): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.save().catch(() => {})
    }, this.options.saveMs ?? 2000)
  }

  private async ready (): Promise<SearchIndex> {
    if (this.index !== undefined) return this.index
    this.loading ??= this.load().then(index => {
      this.index = index
      return index
    })
    return await this.loading
  }

  /** The saved index brought up to date with the cache, or a new one built from it. */
  private async load (): Promise<SearchIndex> {
    let index = SearchIndex.empty()
    let upTo = 0
    const bytes = await this.store.get(SAVED_KEY).catch(() => undefined)
    if (bytes !== undefined) {
      try {
        const saved = JSON.parse(utf8Decode(bytes)) as Saved
        if (saved.format === INDEX_FORMAT) {
          index = SearchIndex.load(JSON.stringify(saved.index))
          upTo = saved.indexedUpTo
        }
      } catch {
        // A damaged saved index is rebuilt from the cache.
      }
    }
    const present = new Set<string>()
    const fresh: GetResult[] = []
    for await (const result of this.cache.all()) {
      if (isReservedAddress(result.item.address)) continue
      present.add(result.item.address)
      if (result.fetchedAt > upTo || !index.has(result.item.address)) fresh.push(result)
      this.indexedUpTo = Math.max(this.indexedUpTo, result.fetchedAt)
    }
    index.putAll(fresh)
    for (const address of index.addresses()) if (!present.has(address)) index.remove(address)
    if (fresh.length > 0) this.scheduleSave()
    return index
  }
}
