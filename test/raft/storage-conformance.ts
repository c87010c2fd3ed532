import fc from 'fast-check'
import { expect } from 'vitest'
import type { RaftStorage, StoredState } from '../../src/raft/storage.ts'
import type { Entry } from '../../src/raft/types.ts'

/** What a log holds, the simple way: the reference the adapters are held to. */
class Model {
  state: StoredState<number> = { hardState: { term: 0 }, entries: [] }

  append (entries: Array<Entry<number>>): void {
    const first = entries[0]
    if (first === undefined) return
    this.state.entries = [...this.state.entries.filter(entry => entry.index < first.index), ...entries]
  }
}

export type StorageOp =
  | { op: 'hard', term: number, votedFor?: string }
  | { op: 'append', from: number, terms: number[] }
  | { op: 'truncate', from: number }
  | { op: 'snapshot', at: number, matching: boolean }

export const storageOps = fc.array(fc.oneof(
  fc.record({ op: fc.constant('hard' as const), term: fc.nat(9), votedFor: fc.option(fc.constantFrom('n1', 'n2'), { nil: undefined }) }),
  fc.record({ op: fc.constant('append' as const), from: fc.nat(6), terms: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 }) }),
  fc.record({ op: fc.constant('truncate' as const), from: fc.nat(8) }),
  fc.record({ op: fc.constant('snapshot' as const), at: fc.nat(8), matching: fc.boolean() })
), { maxLength: 25 })

/**
 * Applies `ops` as a node would (appends continue the log or replace a suffix
 * after the snapshot; snapshots only move forward) to the storage under test
 * and to the model, and checks that a fresh load (from `reopen`) matches.
 */
export async function checkAgainstModel (storage: RaftStorage<number>, reopen: () => Promise<RaftStorage<number>>, ops: StorageOp[]): Promise<void> {
  const model = new Model()
  await storage.load()
  const last = (): number => model.state.entries.at(-1)?.index ?? model.state.snapshot?.lastIndex ?? 0
  const floor = (): number => model.state.snapshot?.lastIndex ?? 0
  for (const op of ops) {
    if (op.op === 'hard') {
      const hard = op.votedFor === undefined ? { term: op.term } : { term: op.term, votedFor: op.votedFor }
      await storage.saveHardState(hard)
      model.state.hardState = hard
    } else if (op.op === 'append') {
      const from = Math.min(Math.max(op.from, floor() + 1), last() + 1)
      const entries = op.terms.map((term, i) => ({ index: from + i, term, command: from * 10 + i }))
      await storage.append(entries)
      model.append(entries)
    } else if (op.op === 'truncate') {
      const from = Math.max(op.from, floor() + 1)
      await storage.truncateFrom(from)
      model.state.entries = model.state.entries.filter(entry => entry.index < from)
    } else {
      const at = Math.max(op.at, floor() + 1)
      const held = model.state.entries.find(entry => entry.index === at)
      const lastTerm = op.matching && held !== undefined ? held.term : 9
      const snapshot = { lastIndex: at, lastTerm, data: new Uint8Array([at, lastTerm]) }
      await storage.saveSnapshot(snapshot)
      model.state.entries = held?.term === lastTerm ? model.state.entries.filter(entry => entry.index > at) : []
      model.state.snapshot = snapshot
    }
  }
  const loaded = await (await reopen()).load()
  expect(loaded.hardState).toEqual(model.state.hardState)
  expect(loaded.entries).toEqual(model.state.entries)
  expect(loaded.snapshot).toEqual(model.state.snapshot)
}
