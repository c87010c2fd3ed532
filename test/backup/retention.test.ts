import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { applyRetention, isoWeek, parseKeep } from '../../relay/backup/retention.ts'
import type { RetentionPolicy } from '../../relay/backup/retention.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const at = (iso: string): number => Date.parse(iso)

function snapshots (...times: string[]): Array<{ id: string, time: number }> {
  return times.map((iso, i) => ({ id: `s${String(i).padStart(3, '0')}`, time: at(iso) }))
}

function kept (list: Array<{ id: string, time: number }>, policy: RetentionPolicy): string[] {
  return applyRetention(list, policy).keep.map(entry => new Date(entry.snapshot.time).toISOString().slice(0, 16))
}

describe('retention (restic forget rules, UTC)', () => {
  it('keeps the newest snapshot of each of the last N days that have one', () => {
    const list = snapshots('2026-03-01T02:00Z', '2026-03-01T14:00Z', '2026-03-02T02:00Z', '2026-03-04T02:00Z', '2026-03-04T23:59Z')
    expect(kept(list, { daily: 2 })).toEqual(['2026-03-04T23:59', '2026-03-02T02:00'])
    // More days asked for than there are: every day's newest, and the oldest snapshot too.
    expect(kept(list, { daily: 7 })).toEqual(['2026-03-04T23:59', '2026-03-02T02:00', '2026-03-01T14:00', '2026-03-01T02:00'])
    expect(applyRetention(list, { daily: 7 }).keep.at(-1)?.reasons).toEqual(['oldest daily'])
  })

  it('weeks are ISO weeks (Monday to Sunday, the year of their Thursday); months and years are calendar ones', () => {
    expect(isoWeek(at('2021-01-03T12:00Z'))).toBe(2020 * 53 + 53)
    expect(isoWeek(at('2021-01-04T00:00Z'))).toBe(2021 * 53 + 1)
    expect(isoWeek(at('2024-12-30T00:00Z'))).toBe(2025 * 53 + 1)
    expect(isoWeek(at('2026-03-01T23:59Z'))).toBe(isoWeek(at('2026-02-23T00:00Z')))
    const list = snapshots('2026-02-22T10:00Z', '2026-02-23T10:00Z', '2026-03-01T10:00Z', '2026-03-02T10:00Z')
    expect(kept(list, { weekly: 2 })).toEqual(['2026-03-02T10:00', '2026-03-01T10:00'])
    expect(kept(list, { monthly: 1 })).toEqual(['2026-03-02T10:00'])
    expect(kept(list, { yearly: 1 })).toEqual(['2026-03-02T10:00'])
  })

  it('a snapshot is kept when any rule keeps it, with every reason; --keep-last counts snapshots', () => {
    const list = snapshots('2026-01-31T10:00Z', '2026-02-27T10:00Z', '2026-02-28T09:00Z', '2026-02-28T10:00Z')
    const result = applyRetention(list, { last: 2, daily: 1, monthly: 2 })
    expect(result.keep.map(entry => [entry.snapshot.id, entry.reasons])).toEqual([
      ['s003', ['last', 'daily', 'monthly']],
      ['s002', ['last']],
      ['s000', ['monthly']]
    ])
    expect(result.remove.map(snapshot => snapshot.id)).toEqual(['s001'])
    expect(kept(list, { daily: -1 })).toEqual(['2026-02-28T10:00', '2026-02-27T10:00', '2026-01-31T10:00'])
  })

  it('with no rule nothing is removed; counts parse as restic takes them', () => {
    expect(applyRetention(snapshots('2026-01-01T00:00Z', '2026-01-02T00:00Z'), {}).remove).toEqual([])
    expect(parseKeep('7', '--keep-daily')).toBe(7)
    expect(parseKeep('unlimited', '--keep-daily')).toBe(-1)
    expect(() => parseKeep('-1', '--keep-daily')).toThrow(/whole number/)
    expect(() => parseKeep('1.5', '--keep-daily')).toThrow(/whole number/)
  })

  // Snapshots over two years at random times (an injected clock: no test reads the real one).
  const snapshotList = fc.uniqueArray(fc.integer({ min: 0, max: 2 * 365 * DAY }), { minLength: 0, maxLength: 60 })
    .map(offsets => offsets.map((offset, i) => ({ id: `s${i}`, time: at('2025-01-01T00:00Z') + offset })))
  const count = fc.oneof(fc.constant(0), fc.constant(-1), fc.integer({ min: 1, max: 12 }))
  const policy = fc.record({ last: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count }, { requiredKeys: [] })

  it('keeps the newest snapshot whenever a rule is set, splits the list into keep and remove, and forgetting again removes nothing', () => {
    fc.assert(fc.property(snapshotList, policy, (list, rules) => {
      const { keep, remove } = applyRetention(list, rules)
      const keptIds = keep.map(entry => entry.snapshot.id)
      expect(new Set([...keptIds, ...remove.map(s => s.id)]).size).toBe(list.length)
      expect(keptIds.length + remove.length).toBe(list.length)
      if (list.length > 0) {
        const newest = list.reduce((a, b) => b.time > a.time ? b : a)
        expect(keptIds).toContain(newest.id)
      }
      // Idempotent: what was kept, forgotten by the same rules, is kept whole.
      const again = applyRetention(keep.map(entry => entry.snapshot), rules)
      expect(again.remove).toEqual([])
      expect(again.keep.map(entry => entry.snapshot.id)).toEqual(keptIds)
    }), { numRuns: 500 })
  })

  it('does not depend on the order snapshots are listed in', () => {
    fc.assert(fc.property(snapshotList, policy, fc.integer(), (list, rules, seed) => {
      const shuffled = [...list].sort((a, b) => ((a.time ^ seed) % 7) - ((b.time ^ seed) % 7))
      expect(applyRetention(shuffled, rules).keep.map(e => e.snapshot.id)).toEqual(applyRetention(list, rules).keep.map(e => e.snapshot.id))
    }), { numRuns: 200 })
  })
})
