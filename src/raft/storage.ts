import { throwIfAborted } from '../errors.ts'
import type { Entry, HardState, Snapshot } from './types.ts'

export interface StorageOptions {
  signal?: AbortSignal
}

/** Everything a node finds on disk when it starts. `entries` follow the snapshot without a gap. */
export interface StoredState<C = unknown> {
  hardState: HardState
  snapshot?: Snapshot
  entries: Array<Entry<C>>
}

/**
 * A node's durable state. Each call resolves only once what it wrote would
 * survive a crash (fsync): the node answers nobody before that, which is what
 * makes a vote or an acknowledged entry binding.
 */
export interface RaftStorage<C = unknown> {
  load: (options?: StorageOptions) => Promise<StoredState<C>>
  saveHardState: (state: HardState, options?: StorageOptions) => Promise<void>
  /**
   * Writes `entries` (contiguous, non-empty) and deletes every stored entry at
   * or after the first one's index, in one atomic step: a follower replacing a
   * deposed leader's entries never leaves a mix of both on disk.
   */
  append: (entries: ReadonlyArray<Entry<C>>, options?: StorageOptions) => Promise<void>
  /** Deletes every stored entry at or after `index`. */
  truncateFrom: (index: number, options?: StorageOptions) => Promise<void>
  /**
   * Stores the snapshot, atomically with the log change Raft §7 asks for: the
   * entries it covers go; if the log holds the snapshot's last entry (same
   * index and term) the entries after it stay, otherwise the whole log goes.
   */
  saveSnapshot: (snapshot: Snapshot, options?: StorageOptions) => Promise<void>
}

/**
 * What a log holds after a snapshot is saved over it (Raft §7), shared by
 * the storage adapters so they agree.
 */
export function entriesAfterSnapshot<C> (entries: ReadonlyArray<Entry<C>>, snapshot: Snapshot): Array<Entry<C>> {
  const last = entries.find(entry => entry.index === snapshot.lastIndex)
  if (last === undefined || last.term !== snapshot.lastTerm) return []
  return entries.filter(entry => entry.index > snapshot.lastIndex)
}

/**
 * Storage in memory: a node's state lasts as long as this object. For tests, a
 * single-voter demo, and voters whose durability comes from elsewhere.
 */
export class MemoryRaftStorage<C = unknown> implements RaftStorage<C> {
  private hardState: HardState = { term: 0 }
  private snapshot: Snapshot | undefined
  private entries: Array<Entry<C>> = []

  async load (options?: StorageOptions): Promise<StoredState<C>> {
    throwIfAborted(options?.signal)
    return {
      hardState: { ...this.hardState },
      ...(this.snapshot === undefined ? {} : { snapshot: { ...this.snapshot, data: this.snapshot.data.slice() } }),
      entries: [...this.entries]
    }
  }

  async saveHardState (state: HardState, options?: StorageOptions): Promise<void> {
    throwIfAborted(options?.signal)
    this.hardState = { term: state.term, ...(state.votedFor === undefined ? {} : { votedFor: state.votedFor }) }
  }

  async append (entries: ReadonlyArray<Entry<C>>, options?: StorageOptions): Promise<void> {
    throwIfAborted(options?.signal)
    const first = entries[0]
    if (first === undefined) return
    this.entries = [...this.entries.filter(entry => entry.index < first.index), ...entries]
  }

  async truncateFrom (index: number, options?: StorageOptions): Promise<void> {
    throwIfAborted(options?.signal)
    this.entries = this.entries.filter(entry => entry.index < index)
  }

  async saveSnapshot (snapshot: Snapshot, options?: StorageOptions): Promise<void> {
    throwIfAborted(options?.signal)
    this.entries = entriesAfterSnapshot(this.entries, snapshot)
    this.snapshot = { ...snapshot, data: snapshot.data.slice() }
  }
}
