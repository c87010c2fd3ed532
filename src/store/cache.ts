import { UsageError, throwIfAborted } from '../errors.ts'
import { Lifecycle } from './lifecycle.ts'
import { LruCache } from './lru.ts'
import type { BatchOperation, KVStore, ListOptions, StoreOptions } from './types.ts'
import { assertKey, assertValue, checkBatch, copyBytes } from './validate.ts'

export interface CacheOptions {
  /** Most values held at once; the least recently used go first. */
  maxEntries: number
  /** How long a cached value is trusted, in milliseconds (Infinity: until evicted). */
  ttlMs: number
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number
}

export interface CacheStats {
  /** get() calls answered from the cache. */
  hits: number
  /** get() calls that went to the inner store (including keys that do not exist). */
  misses: number
  /** Entries dropped to stay within maxEntries (expiry is not counted). */
  evictions: number
  /** Unexpired entries held now. */
  size: number
}

export interface CachedStore extends KVStore {
  stats (): CacheStats
  /** Forget a key, e.g. when the inner store was changed behind the cache's back. */
  invalidate (key: string): void
}

interface Entry {
  value: Uint8Array
  expiresAt: number
}

/**
 * Read-through, write-through TTL + LRU cache in front of another store. Only values
 * are cached (a missing key is asked for again each time) and listing always goes to
 * the inner store.
 */
export function createCachedStore (inner: KVStore, { maxEntries, ttlMs, now = Date.now }: CacheOptions): CachedStore {
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new UsageError(`cache maxEntries must be a positive integer, got ${maxEntries}`)
  }
  if (typeof ttlMs !== 'number' || Number.isNaN(ttlMs) || ttlMs <= 0) {
    throw new UsageError(`cache ttlMs must be a positive number of milliseconds, got ${ttlMs}`)
  }
  let hits = 0
  let misses = 0
  let evictions = 0
  // Advanced by every completed write. A read that started before a write may have
  // seen the old value, so it only caches what it read if no write finished meanwhile.
  let epoch = 0
  const cache = new LruCache<string, Entry>(maxEntries, () => { evictions++ })

  const lifecycle = new Lifecycle('cached', {
    open: async (signal) => { await inner.open({ signal }) },
    close: async () => {
      cache.clear()
      await inner.close()
    }
  })

  function ready (signal?: AbortSignal): void {
    throwIfAborted(signal)
    lifecycle.assertOpen()
  }

  function lookup (key: string): Entry | undefined {
    const entry = cache.get(key)
    if (entry !== undefined && now() >= entry.expiresAt) {
      cache.delete(key)
      return undefined
    }
    return entry
  }

  function remember (key: string, value: Uint8Array): void {
    // A call that finishes after close() must not refill the cache close() emptied.
    if (!lifecycle.isOpen) return
    cache.set(key, { value, expiresAt: now() + ttlMs })
  }

  function forget (keys: Iterable<string>): void {
    epoch++
    for (const key of keys) cache.delete(key)
  }

  async function write (keys: string[], call: () => Promise<void>): Promise<void> {
    try {
      await call()
    } catch (err) {
      // The inner store may or may not have changed: trust it, not the cache.
      forget(keys)
      throw err
    }
    epoch++
  }

  return {
    open: async (options?: StoreOptions) => { await lifecycle.open(options?.signal) },
    close: async () => { await lifecycle.close() },

    async get (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      const entry = lookup(key)
      if (entry !== undefined) {
        hits++
        return copyBytes(entry.value)
      }
      misses++
      const started = epoch
      const value = await inner.get(key, options)
      if (value === undefined) return undefined
      if (started === epoch) remember(key, value)
      return copyBytes(value)
    },

    async has (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      if (lookup(key) !== undefined) return true
      return await inner.has(key, options)
    },

    async put (key: string, value: Uint8Array, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      assertValue(value)
      const bytes = copyBytes(value)
      await write([key], async () => { await inner.put(key, bytes, options) })
      remember(key, bytes)
    },

    async delete (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      await write([key], async () => { await inner.delete(key, options) })
      cache.delete(key)
    },

    async * list (prefix: string, options?: ListOptions) {
      ready(options?.signal)
      yield * inner.list(prefix, options)
    },

    async batch (operations: BatchOperation[], options?: StoreOptions) {
      ready(options?.signal)
      const checked = checkBatch(operations)
      await write(checked.map(op => op.key), async () => { await inner.batch(checked, options) })
      for (const op of checked) {
        if (op.type === 'put') remember(op.key, op.value)
        else cache.delete(op.key)
      }
    },

    stats () {
      for (const [key, entry] of [...cache.entries()]) {
        if (now() >= entry.expiresAt) cache.delete(key)
      }
      return { hits, misses, evictions, size: cache.size }
    },

    invalidate (key: string) {
      forget([key])
    }
  }
}
