import { createStore, del, promisifyRequest, set } from 'idb-keyval'
import type { UseStore } from 'idb-keyval'
import { StorageError, UnsupportedRuntimeError, throwIfAborted } from '../errors.ts'
import { Lifecycle } from './lifecycle.ts'
import { prefixUpperBound } from './prefix.ts'
import type { BatchOperation, KVStore, ListOptions, StoreOptions } from './types.ts'
import { assertKey, assertPrefix, assertValue, checkBatch, checkLimit, copyBytes } from './validate.ts'
import { wrapBackend } from './wrap.ts'

export interface IdbStoreOptions {
  /** IndexedDB database name. idb-keyval makes one object store per database. */
  database: string
  storeName: string
}

// Entries read per transaction while listing: a transaction cannot stay open across
// the caller's awaits, and values may be large, so listing reads in small pages.
const LIST_PAGE = 64

/** A KVStore in one IndexedDB object store (browsers). */
export function createIdbStore ({ database, storeName }: IdbStoreOptions): KVStore {
  if (typeof database !== 'string' || database.length === 0 || typeof storeName !== 'string' || storeName.length === 0) {
    throw new StorageError('createIdbStore needs a non-empty database and storeName')
  }
  const label = `IndexedDB "${database}/${storeName}"`
  let useStore: UseStore | undefined
  let db: IDBDatabase | undefined

  const lifecycle = new Lifecycle(label, {
    open: async () => {
      if (typeof indexedDB === 'undefined') {
        throw new UnsupportedRuntimeError('IndexedDB is not available in this runtime')
      }
      // A fresh idb-keyval store per open: it caches its connection and would keep
      // handing out the one we closed.
      const candidate = createStore(database, storeName)
      const connection = await wrapBackend(`opening ${label}`, async () => {
        try {
          return await candidate('readonly', store => store.transaction.db)
        } catch (err) {
          if ((err as Error)?.name === 'NotFoundError') {
            throw new StorageError(`${label}: the database exists without object store "${storeName}"`, { cause: err })
          }
          throw err
        }
      })
      // Let another tab upgrade or delete the database instead of blocking it forever;
      // later calls here then fail with a StorageError.
      connection.onversionchange = () => { connection.close() }
      db = connection
      useStore = candidate
    },
    close: async () => {
      db?.close()
      db = undefined
      useStore = undefined
    }
  })

  function ready (signal?: AbortSignal): UseStore {
    throwIfAborted(signal)
    lifecycle.assertOpen()
    // Unreachable while open (set before open completes, cleared after close starts).
    if (useStore === undefined) throw new StorageError(`${label} has no connection`)
    return useStore
  }

  async function run<T> (what: string, use: UseStore, mode: IDBTransactionMode, callback: (store: IDBObjectStore) => T | PromiseLike<T>): Promise<T> {
    return await wrapBackend(`${label} ${what}`, async () => await use(mode, callback))
  }

  function toBytes (key: IDBValidKey, value: unknown): Uint8Array {
    if (value instanceof Uint8Array) return value // structured clone already copied it
    throw new StorageError(`${label} holds a non-binary value under key ${JSON.stringify(key)}`)
  }

  return {
    open: async (options?: StoreOptions) => { await lifecycle.open(options?.signal) },
    close: async () => { await lifecycle.close() },

    async get (key: string, options?: StoreOptions) {
      const use = ready(options?.signal)
      assertKey(key)
      const value = await run('get', use, 'readonly', async store => await promisifyRequest(store.get(key)))
      return value === undefined ? undefined : toBytes(key, value)
    },

    async has (key: string, options?: StoreOptions) {
      const use = ready(options?.signal)
      assertKey(key)
      return await run('has', use, 'readonly', async store => await promisifyRequest(store.count(key))) > 0
    },

    async put (key: string, value: Uint8Array, options?: StoreOptions) {
      const use = ready(options?.signal)
      assertKey(key)
      assertValue(value)
      // Copy now: the structured clone happens only once the connection is ready, and
      // a view would otherwise drag its whole underlying buffer into the database.
      const bytes = copyBytes(value)
      await wrapBackend(`${label} put`, async () => { await set(key, bytes, use) })
    },

    async delete (key: string, options?: StoreOptions) {
      const use = ready(options?.signal)
      assertKey(key)
      await wrapBackend(`${label} delete`, async () => { await del(key, use) })
    },

    async * list (prefix: string, options?: ListOptions) {
      ready(options?.signal)
      assertPrefix(prefix)
      let remaining = checkLimit(options?.limit)
      const upper = prefixUpperBound(prefix)
      let lower = prefix
      let lowerOpen = false
      while (remaining > 0) {
        const use = ready(options?.signal)
        const range = upper === undefined
          ? IDBKeyRange.lowerBound(lower, lowerOpen)
          : IDBKeyRange.bound(lower, upper, lowerOpen, true)
        const count = Math.min(remaining, LIST_PAGE)
        // Both reads in one transaction, so keys and values line up.
        const [keys, values] = await run('list', use, 'readonly', async store => await Promise.all([
          promisifyRequest(store.getAllKeys(range, count)),
          promisifyRequest(store.getAll(range, count))
        ]))
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]
          if (typeof key !== 'string') continue // not written by this adapter
          ready(options?.signal)
          yield [key, toBytes(key, values[i])] as [string, Uint8Array]
        }
        const last = keys.at(-1)
        if (keys.length < count || typeof last !== 'string') return
        remaining -= keys.length
        lower = last
        lowerOpen = true
      }
    },

    async batch (operations: BatchOperation[], options?: StoreOptions) {
      const use = ready(options?.signal)
      const checked = checkBatch(operations)
      if (checked.length === 0) return
      // One readwrite transaction: if any request fails the whole transaction aborts.
      await run('batch', use, 'readwrite', async store => {
        for (const op of checked) {
          if (op.type === 'put') store.put(op.value, op.key)
          else store.delete(op.key)
        }
        await promisifyRequest(store.transaction)
      })
    }
  }
}
