import type { Entry } from './types.ts'

/**
 * A node's log in memory: the entries after its latest snapshot, plus that
 * snapshot's last index and term, which stand in for the entries it covers.
 * Indexes start at 1; index 0 with term 0 is the empty log.
 */
export class RaftLog<C = unknown> {
  private entries: Array<Entry<C>> = []

  constructor (private snapshotIndexValue = 0, private snapshotTermValue = 0, entries: ReadonlyArray<Entry<C>> = []) {
    entries.forEach((entry, i) => {
      if (entry.index !== snapshotIndexValue + 1 + i) throw new Error(`log entry ${entry.index} out of place (expected ${snapshotIndexValue + 1 + i})`)
    })
    this.entries = [...entries]
  }

  get snapshotIndex (): number { return this.snapshotIndexValue }
  get snapshotTerm (): number { return this.snapshotTermValue }
  get lastIndex (): number { return this.snapshotIndexValue + this.entries.length }
  get lastTerm (): number { return this.termAt(this.lastIndex) as number }

  /** The term of the entry at `index`; undefined when compacted away (before the snapshot) or not there yet. */
  termAt (index: number): number | undefined {
    if (index === this.snapshotIndexValue) return this.snapshotTermValue
    return this.entry(index)?.term
  }

  entry (index: number): Entry<C> | undefined {
    if (index <= this.snapshotIndexValue) return undefined
    return this.entries[index - this.snapshotIndexValue - 1]
  }

  /** Entries from `from` to `to` inclusive (clamped to what is held after the snapshot). */
  slice (from: number, to: number): Array<Entry<C>> {
    const start = Math.max(from, this.snapshotIndexValue + 1) - this.snapshotIndexValue - 1
    const end = Math.min(to, this.lastIndex) - this.snapshotIndexValue
    return end > start ? this.entries.slice(start, end) : []
  }

  /** The first index of `term` in the run of entries that ends at `index` (for the conflict hint a follower sends). */
  firstIndexOfTerm (index: number): number {
    const term = this.termAt(index)
    let first = index
    while (first - 1 > this.snapshotIndexValue && this.termAt(first - 1) === term) first--
    return first
  }

  /** The last index holding `term`, searching down from the end; undefined when the log (after the snapshot) has none. */
  lastIndexOfTerm (term: number): number | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i] as Entry<C>
      if (entry.term === term) return entry.index
      if (entry.term < term) return undefined
    }
    return undefined
  }

  /** Appends entries that must continue the log exactly. */
  append (entries: ReadonlyArray<Entry<C>>): void {
    for (const entry of entries) {
      if (entry.index !== this.lastIndex + 1) throw new Error(`log append at ${entry.index} after ${this.lastIndex}`)
      this.entries.push(entry)
    }
  }

  /** Drops every entry at or after `index`. */
  truncateFrom (index: number): void {
    if (index <= this.snapshotIndexValue) throw new Error(`cannot truncate at ${index}: covered by the snapshot at ${this.snapshotIndexValue}`)
    this.entries.length = Math.max(0, Math.min(this.entries.length, index - this.snapshotIndexValue - 1))
  }

  /** Forgets entries up to `index` (now in a snapshot ending there with `term`), keeping later ones. */
  compact (index: number, term: number): void {
    if (index <= this.snapshotIndexValue) return
    this.entries = this.entries.slice(Math.min(this.entries.length, index - this.snapshotIndexValue))
    this.snapshotIndexValue = index
    this.snapshotTermValue = term
  }

  /** Replaces everything with a received snapshot, keeping the entries after it when the log already holds its last entry (Raft §7). */
  installSnapshot (index: number, term: number): void {
    if (this.termAt(index) === term && index <= this.lastIndex) {
      this.compact(index, term)
      return
    }
    this.entries = []
    this.snapshotIndexValue = index
    this.snapshotTermValue = term
  }
}
