import { ByteReader } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { StorageError, UsageError } from '../errors.ts'
import { LruCache } from '../store/lru.ts'
import type { BatchOperation, KVStore, StoreOptions } from '../store/types.ts'
import { encodeEntry } from './entry.ts'
import type { AuditEntry } from './entry.ts'
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootAt } from './merkle.ts'
import type { NodeSource } from './merkle.ts'

/** An entry as a caller reports it; the log stamps the time. */
export type AuditEvent = AuditEntry extends infer E ? E extends AuditEntry ? Omit<E, 'time'> : never : never

export interface AuditLogInit {
  /** The relay's store. The log keeps its own prefix, which the record keeper never lists. */
  readonly store: KVStore
  /** Default "audit/log/". */
  readonly prefix?: string
  readonly now?: () => number
  /** Complete-subtree hashes kept in memory. Default 4096. */
  readonly cacheSize?: number
  /** Told when a batch of entries could not be written (they stay queued for the next try). */
  readonly onError?: (error: unknown) => void
}

export interface StoredEntry {
  readonly index: number
  /** The entry's canonical bytes: its leaf hash is leafHash(data). */
  readonly data: Uint8Array
}

/** Entries written in one store batch at most. */
const MAX_BATCH = 1024
/** Entries one entries() call returns at most. */
export const MAX_ENTRIES_PER_READ = 1000

/**
 * The relay's append-only audit log, in its KVStore:
 *
 *   <prefix>size                  u64: entries committed
 *   <prefix>e/<index>             an entry's bytes (entry.ts); its leaf hash is hashed on reading
 *   <prefix>n/<level>/<index>     the hash of every complete subtree of 2^level
 *                                 leaves (level ≥ 1), from leaf index·2^level
 *
 * (indexes zero-padded, so keys sort in order). An append writes its entry,
 * the subtrees it completes (one hash per entry, amortised) and the new size
 * in one atomic batch, so a crash never leaves half an entry.
 * Any root and any RFC 6962 proof then needs O(log n) stored hashes: a proof
 * in a log of millions of entries is a few dozen reads, after a restart too.
 *
 * Appends are queued and written in batches: callers (keeper events) never wait
 * on the disk, and flush() waits for what was queued.
 */
export class AuditLog {
  private committed = 0
  /** The newest complete subtree hash at each level: the left sibling the next append may need. */
  private frontier: Uint8Array[] = []
  private pending: Uint8Array[] = []
  private writing: Promise<void> | undefined
  private opened: Promise<void> | undefined
  private isOpen = false
  private readonly cache: LruCache<string, Uint8Array>
  private readonly prefix: string
  private readonly now: () => number

  constructor (private readonly init: AuditLogInit) {
    this.prefix = init.prefix ?? 'audit/log/'
    this.now = init.now ?? Date.now
    this.cache = new LruCache(init.cacheSize ?? 4096)
  }

  /** Entries committed to the store (what proofs and roots may cover). */
  get size (): number {
    return this.committed
  }

  /** Entries appended but not yet written. */
  get queued (): number {
    return this.pending.length
  }

  /** Reads where the log stands; the store must be open. Idempotent. */
  async open (options: StoreOptions = {}): Promise<void> {
    this.opened ??= (async () => {
      const sizeBytes = await this.init.store.get(`${this.prefix}size`, options)
      const size = sizeBytes === undefined ? 0 : new ByteReader(sizeBytes).u64('audit log size')
      const frontier: Uint8Array[] = []
      for (let level = 0; 2 ** level <= size; level++) {
        frontier[level] = await this.readNode(level, Math.floor(size / 2 ** level) - 1, options)
      }
      this.committed = size
      this.frontier = frontier
      this.isOpen = true
    })().catch(error => {
      this.opened = undefined
      throw error
    })
    await this.opened
    if (this.pending.length > 0) this.kick().catch(() => {})
  }

  /** Writes what is queued, then stops writing; open() starts again. */
  async close (): Promise<void> {
    await this.flush().catch(() => {})
    this.isOpen = false
    this.opened = undefined
    this.cache.clear()
  }

  /**
   * Queues an entry, stamped now. Throws InvalidRecordError at once for an
   * entry that cannot be encoded (nothing is queued then).
   */
  append (event: AuditEvent): void {
    this.pending.push(encodeEntry({ ...event, time: this.now() } as AuditEntry))
    if (this.isOpen) this.kick().catch(() => {})
  }

  /** Resolves once every entry queued before it is committed; rejects with the store's error. */
  async flush (): Promise<void> {
    while (this.isOpen && (this.writing !== undefined || this.pending.length > 0)) await this.kick()
  }

  /** Writes what is queued, in batches, one writer at a time. */
  private async kick (): Promise<void> {
    if (this.writing === undefined) {
      let failed = false
      this.writing = (async () => {
        while (this.pending.length > 0 && this.isOpen) {
          const batch = this.pending.splice(0, MAX_BATCH)
          try {
            await this.write(batch)
          } catch (error) {
            // Kept, in order, for the next try (the next append or flush).
            this.pending.unshift(...batch)
            failed = true
            this.init.onError?.(error)
            throw error
          }
        }
      })().finally(() => {
        this.writing = undefined
        // An entry queued after the loop last looked, before this ran: not left behind.
        if (!failed && this.pending.length > 0 && this.isOpen) this.kick().catch(() => {})
      })
    }
    await this.writing
  }

  private async write (batch: readonly Uint8Array[]): Promise<void> {
    const operations: BatchOperation[] = []
    const frontier = [...this.frontier]
    let size = this.committed
    for (const data of batch) {
      operations.push({ type: 'put', key: this.entryKey(size), value: data })
      let node = leafHash(data)
      let level = 0
      let index = size
      for (;;) {
        // Leaf hashes are not stored: an entry's bytes hash to its leaf on reading.
        if (level > 0) operations.push({ type: 'put', key: this.nodeKey(level, index), value: node })
        const left = index % 2 === 1 ? frontier[level] : undefined
        frontier[level] = node
        if (left === undefined) break
        node = nodeHash(left, node)
        index = (index - 1) / 2
        level++
      }
      size++
    }
    operations.push({ type: 'put', key: `${this.prefix}size`, value: new ByteWriter(8).u64(size).finish() })
    await this.init.store.batch(operations)
    this.committed = size
    this.frontier = frontier
  }

  /** Committed entries from `from`, at most `limit` (≤ MAX_ENTRIES_PER_READ). */
  async entries (from: number, limit = 100, options: StoreOptions = {}): Promise<StoredEntry[]> {
    if (!Number.isSafeInteger(from) || from < 0) throw new UsageError('from must be a non-negative integer')
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_ENTRIES_PER_READ) throw new UsageError(`limit must be an integer from 0 to ${MAX_ENTRIES_PER_READ}`)
    const end = Math.min(this.committed, from + limit)
    const out: StoredEntry[] = []
    for (let index = from; index < end; index++) {
      const data = await this.init.store.get(this.entryKey(index), options)
      if (data === undefined) throw new StorageError(`audit log entry ${index} is missing from the store`)
      out.push({ index, data })
    }
    return out
  }

  /** Complete-subtree hashes of the committed log (for merkle.ts's proofs). */
  readonly nodes: NodeSource = async (level, index) => {
    if ((index + 1) * 2 ** level > this.committed) throw new RangeError(`no complete subtree at level ${level}, index ${index} in a log of ${this.committed}`)
    return await this.readNode(level, index)
  }

  async root (size = this.committed): Promise<Uint8Array> {
    return await rootAt(this.nodes, this.checkSize(size))
  }

  async inclusionProof (index: number, size = this.committed): Promise<Uint8Array[]> {
    this.checkSize(size)
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new UsageError(`no entry ${index} in a log of ${size}`)
    return await inclusionProof(this.nodes, index, size)
  }

  async consistencyProof (first: number, second = this.committed): Promise<Uint8Array[]> {
    this.checkSize(second)
    if (!Number.isSafeInteger(first) || first < 0 || first > second) throw new UsageError(`no consistency proof from ${first} to ${second} entries`)
    return await consistencyProof(this.nodes, first, second)
  }

  private checkSize (size: number): number {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.committed) throw new UsageError(`the log has ${this.committed} entries, not ${size}`)
    return size
  }

  private async readNode (level: number, index: number, options: StoreOptions = {}): Promise<Uint8Array> {
    const key = this.nodeKey(level, index)
    const cached = this.cache.get(key)
    if (cached !== undefined) return cached
    const stored = await this.init.store.get(level === 0 ? this.entryKey(index) : key, options)
    if (stored === undefined) throw new StorageError(`audit log ${level === 0 ? 'entry' : 'hash'} ${level}/${index} is missing from the store`)
    const node = level === 0 ? leafHash(stored) : stored
    this.cache.set(key, node)
    return node
  }

  private entryKey (index: number): string {
    return `${this.prefix}e/${pad(index)}`
  }

  private nodeKey (level: number, index: number): string {
    return `${this.prefix}n/${String(level).padStart(2, '0')}/${pad(index)}`
  }
}

function pad (index: number): string {
  return String(index).padStart(16, '0')
}
