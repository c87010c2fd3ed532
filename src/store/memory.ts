import { throwIfAborted } from '../errors.ts'
import { Lifecycle } from './lifecycle.ts'
import type { BatchOperation, KVStore, ListOptions, StoreOptions } from './types.ts'
import { assertKey, assertPrefix, assertValue, checkBatch, checkLimit, copyBytes } from './validate.ts'

/** A KVStore in a Map: for tests, and for peers that keep nothing across restarts. */
export function createMemoryStore (): KVStore {
  // Kept across close/open so the store behaves like the persistent adapters.
  const entries = new Map<string, Uint8Array>()
  const lifecycle = new Lifecycle('memory', {
    open: async () => {},
    close: async () => {}
  })

  function ready (signal?: AbortSignal): void {
    throwIfAborted(signal)
    lifecycle.assertOpen()
  }

  function apply (op: BatchOperation): void {
    if (op.type === 'put') entries.set(op.key, op.value)
    else entries.delete(op.key)
  }

  return {
    open: async (options?: StoreOptions) => { await lifecycle.open(options?.signal) },
    close: async () => { await lifecycle.close() },

    async get (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      const value = entries.get(key)
      return value === undefined ? undefined : copyBytes(value)
    },

    async has (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      return entries.has(key)
    },

    async put (key: string, value: Uint8Array, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      assertValue(value)
      entries.set(key, copyBytes(value))
    },

    async delete (key: string, options?: StoreOptions) {
      ready(options?.signal)
      assertKey(key)
      entries.delete(key)
    },

    async * list (prefix: string, options?: ListOptions) {
      ready(options?.signal)
      assertPrefix(prefix)
      const limit = checkLimit(options?.limit)
      // Default sort compares UTF-16 code units, the order IndexedDB uses too.
      const keys = [...entries.keys()].filter(key => key.startsWith(prefix)).sort()
      let yielded = 0
      for (const key of keys) {
        if (yielded >= limit) return
        // The caller may abort or close between two entries.
        ready(options?.signal)
        const value = entries.get(key)
        if (value === undefined) continue // deleted while the caller was iterating
        yield [key, copyBytes(value)]
        yielded++
      }
    },

    async batch (operations: BatchOperation[], options?: StoreOptions) {
      ready(options?.signal)
      checkBatch(operations).forEach(apply)
    }
  }
}
