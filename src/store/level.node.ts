import { ClassicLevel } from 'classic-level'
import { StorageError, throwIfAborted } from '../errors.ts'
import { Lifecycle } from './lifecycle.ts'
import { prefixUpperBoundUtf8 } from './prefix.ts'
import type { BatchOperation, KVStore, ListOptions, StoreOptions } from './types.ts'
import { assertKey, assertPrefix, assertValue, checkBatch, checkLimit, copyBytes } from './validate.ts'
import { toStorageError, wrapBackend } from './wrap.ts'

export interface LevelStoreOptions {
  /** Directory of the LevelDB database; created (with parents) if missing. */
  path: string
}

type Db = ClassicLevel<string, Uint8Array>

/** A KVStore in a LevelDB directory (Node and Bun; relays). */
export function createLevelStore ({ path }: LevelStoreOptions): KVStore {
  if (typeof path !== 'string' || path.length === 0) {
    throw new StorageError('createLevelStore needs a non-empty path')
  }
  const label = `LevelDB "${path}"`
  let db: Db | undefined

  const lifecycle = new Lifecycle(label, {
    open: async () => {
      const candidate: Db = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' })
      try {
        // classic-level creates the directory (and its parents) itself.
        await candidate.open()
      } catch (err) {
        throw openError(err)
      }
      db = candidate
    },
    close: async () => {
      const closing = db
      db = undefined
      await wrapBackend(`closing ${label}`, async () => { await closing?.close() })
    }
  })

  function openError (err: unknown): StorageError {
    const cause = (err as { cause?: { code?: unknown } })?.cause
    if (cause?.code === 'LEVEL_LOCKED') {
      return new StorageError(`${label} is locked: the directory is in use by another process or another open store`, { cause: err })
    }
    return toStorageError(`opening ${label}`, err) as StorageError
  }

  function ready (signal?: AbortSignal): Db {
    throwIfAborted(signal)
    lifecycle.assertOpen()
    // Unreachable while open (set before open completes, cleared after close starts).
    if (db === undefined) throw new StorageError(`${label} has no database handle`)
    return db
  }

  return {
    open: async (options?: StoreOptions) => { await lifecycle.open(options?.signal) },
    close: async () => { await lifecycle.close() },

    async get (key: string, options?: StoreOptions) {
      const level = ready(options?.signal)
      assertKey(key)
      const value = await wrapBackend(`${label} get`, async () => await level.get(key))
      // LevelDB hands back Buffers; callers get plain Uint8Arrays like the other adapters.
      return value === undefined ? undefined : copyBytes(value)
    },

    async has (key: string, options?: StoreOptions) {
      const level = ready(options?.signal)
      assertKey(key)
      return await wrapBackend(`${label} has`, async () => await level.has(key))
    },

    async put (key: string, value: Uint8Array, options?: StoreOptions) {
      const level = ready(options?.signal)
      assertKey(key)
      assertValue(value)
      // Copy now: the write happens on a worker thread after this call returns.
      const bytes = copyBytes(value)
      await wrapBackend(`${label} put`, async () => { await level.put(key, bytes) })
    },

    async delete (key: string, options?: StoreOptions) {
      const level = ready(options?.signal)
      assertKey(key)
      await wrapBackend(`${label} delete`, async () => { await level.del(key) })
    },

    async * list (prefix: string, options?: ListOptions) {
      const level = ready(options?.signal)
      assertPrefix(prefix)
      const limit = checkLimit(options?.limit)
      if (limit === 0) return
      const upper = prefixUpperBoundUtf8(prefix)
      const iterator = level.iterator({
        gte: prefix,
        ...(upper === undefined ? {} : { lt: upper }),
        limit: limit === Infinity ? -1 : limit
      })
      try {
        while (true) {
          ready(options?.signal)
          const entry = await wrapBackend(`${label} list`, async () => await iterator.next())
          if (entry === undefined) return
          yield [entry[0], copyBytes(entry[1])] as [string, Uint8Array]
        }
      } finally {
        await wrapBackend(`${label} list`, async () => { await iterator.close() })
      }
    },

    async batch (operations: BatchOperation[], options?: StoreOptions) {
      const level = ready(options?.signal)
      const checked = checkBatch(operations)
      if (checked.length === 0) return
      await wrapBackend(`${label} batch`, async () => {
        await level.batch(checked.map(op => op.type === 'put'
          ? { type: 'put' as const, key: op.key, value: op.value }
          : { type: 'del' as const, key: op.key }))
      })
    }
  }
}
