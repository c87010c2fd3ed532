/**
 * The one key-value interface every storage backend implements (memory, IndexedDB,
 * LevelDB) and every layer above storage depends on.
 *
 * Contract shared by all adapters (checked by test/store/conformance.ts):
 * - a store starts closed; `open()` and `close()` are idempotent and a closed store
 *   can be opened again with its data intact;
 * - every call first checks its AbortSignal (AbortError) and then that the store is
 *   open (StorageError);
 * - keys are non-empty, well-formed strings; values are Uint8Array (StorageError);
 * - values are copied in and out, so callers may mutate what they pass or receive;
 * - backend failures surface as StorageError with the original error as `cause`.
 */
export interface StoreOptions {
  signal?: AbortSignal
}

export interface ListOptions extends StoreOptions {
  /** Stop after this many entries (a non-negative integer). */
  limit?: number
}

export type BatchOperation =
  | { type: 'put', key: string, value: Uint8Array }
  | { type: 'delete', key: string }

export interface KVStore {
  /** Idempotent; concurrent calls share one opening. */
  open (options?: StoreOptions): Promise<void>
  /** Idempotent. */
  close (): Promise<void>
  get (key: string, options?: StoreOptions): Promise<Uint8Array | undefined>
  has (key: string, options?: StoreOptions): Promise<boolean>
  put (key: string, value: Uint8Array, options?: StoreOptions): Promise<void>
  /** Deleting a missing key is not an error. */
  delete (key: string, options?: StoreOptions): Promise<void>
  /**
   * Entries whose key starts with `prefix`, in ascending key order (UTF-16 code unit
   * order, which is byte order for ASCII keys). Errors, including argument errors,
   * surface when iteration starts, not when `list` is called.
   */
  list (prefix: string, options?: ListOptions): AsyncIterable<[key: string, value: Uint8Array]>
  /** Applied in order and atomically: all operations or none. */
  batch (operations: BatchOperation[], options?: StoreOptions): Promise<void>
}
