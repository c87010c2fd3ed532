import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { StorageError } from '../errors.ts'
import type { BatchOperation, KVStore } from '../store/types.ts'
import type { RaftStorage, StorageOptions, StoredState } from './storage.ts'
import type { Entry, HardState, Snapshot } from './types.ts'

const INDEX_DIGITS = 16

/**
 * Raft storage on any KVStore (LevelDB on a coordinator, IndexedDB in a
 * browser), under `prefix`. Every change is one batch, so a crash leaves either
 * the old state or the new one. The store must be open; the adapter owns the
 * keys under `prefix` and must be the only writer there.
 */
export class KVRaftStorage<C = unknown> implements RaftStorage<C> {
  /** Indexes of the stored entries, known after load (first > last: none). */
  private first = 1
  private last = 0
  private loaded = false

  constructor (private readonly store: KVStore, private readonly prefix = 'raft/') {}

  private key (index: number): string {
    return `${this.prefix}log/${String(index).padStart(INDEX_DIGITS, '0')}`
  }

  async load (options?: StorageOptions): Promise<StoredState<C>> {
    const hard = await this.store.get(`${this.prefix}hard`, options)
    const snapshotBytes = await this.store.get(`${this.prefix}snapshot`, options)
    const entries: Array<Entry<C>> = []
    for await (const [, value] of this.store.list(`${this.prefix}log/`, options)) entries.push(JSON.parse(utf8Decode(value)) as Entry<C>)
    let snapshot: Snapshot | undefined
    if (snapshotBytes !== undefined) {
      const form = JSON.parse(utf8Decode(snapshotBytes)) as { lastIndex: number, lastTerm: number, data: string }
      snapshot = { lastIndex: form.lastIndex, lastTerm: form.lastTerm, data: fromBase64url(form.data) }
    }
    const after = snapshot?.lastIndex ?? 0
    entries.forEach((entry, i) => {
      if (entry.index !== after + 1 + i) throw new StorageError(`raft log under ${this.prefix} has a gap at index ${after + 1 + i}`)
    })
    this.first = after + 1
    this.last = after + entries.length
    this.loaded = true
    const hardState = hard === undefined ? { term: 0 } : JSON.parse(utf8Decode(hard)) as HardState
    return { hardState, ...(snapshot === undefined ? {} : { snapshot }), entries }
  }

  async saveHardState (state: HardState, options?: StorageOptions): Promise<void> {
    const form = state.votedFor === undefined ? { term: state.term } : { term: state.term, votedFor: state.votedFor }
    await this.store.put(`${this.prefix}hard`, utf8Encode(JSON.stringify(form)), options)
  }

  async append (entries: ReadonlyArray<Entry<C>>, options?: StorageOptions): Promise<void> {
    await this.ensureLoaded(options)
    const head = entries[0]
    if (head === undefined) return
    const tail = (entries[entries.length - 1] as Entry<C>).index
    const operations: BatchOperation[] = entries.map(entry => ({ type: 'put', key: this.key(entry.index), value: utf8Encode(JSON.stringify(entry)) }))
    for (let index = tail + 1; index <= this.last; index++) operations.push({ type: 'delete', key: this.key(index) })
    await this.store.batch(operations, options)
    if (this.last < this.first) this.first = head.index
    this.last = tail
  }

  async truncateFrom (index: number, options?: StorageOptions): Promise<void> {
    await this.ensureLoaded(options)
    const operations: BatchOperation[] = []
    for (let i = Math.max(index, this.first); i <= this.last; i++) operations.push({ type: 'delete', key: this.key(i) })
    if (operations.length > 0) await this.store.batch(operations, options)
    this.last = Math.min(this.last, index - 1)
  }

  async saveSnapshot (snapshot: Snapshot, options?: StorageOptions): Promise<void> {
    await this.ensureLoaded(options)
    const atLast = await this.store.get(this.key(snapshot.lastIndex), options)
    // Keep the entries after the snapshot only if the log holds its last entry (Raft §7).
    const keepsTail = atLast !== undefined && (JSON.parse(utf8Decode(atLast)) as Entry<C>).term === snapshot.lastTerm
    const dropTo = keepsTail ? snapshot.lastIndex : this.last
    const operations: BatchOperation[] = [{
      type: 'put',
      key: `${this.prefix}snapshot`,
      value: utf8Encode(JSON.stringify({ lastIndex: snapshot.lastIndex, lastTerm: snapshot.lastTerm, data: toBase64url(snapshot.data) }))
    }]
    for (let i = this.first; i <= dropTo; i++) operations.push({ type: 'delete', key: this.key(i) })
    await this.store.batch(operations, options)
    this.first = snapshot.lastIndex + 1
    if (!keepsTail) this.last = snapshot.lastIndex
  }

  private async ensureLoaded (options?: StorageOptions): Promise<void> {
    if (!this.loaded) await this.load(options)
  }
}
