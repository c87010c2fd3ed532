import { UsageError } from '../../src/errors.ts'

/**
 * Which snapshots a retention policy keeps, by restic's rules (`restic
 * forget`, internal/data/snapshot_policy.go), in UTC:
 * - snapshots are taken newest first;
 * - each --keep-X N keeps the newest snapshot of each of the N most recent
 *   X periods (hour, day, ISO week, month, year) that have one; --keep-last N
 *   keeps the N newest; -1 means every period;
 * - when a --keep-X has periods left after the oldest snapshot, the oldest
 *   snapshot is kept too (it stretches the history kept);
 * - a snapshot is kept if any rule keeps it.
 * Pure (no clock, no files): snapshot times are all it reads.
 */
export interface RetentionPolicy {
  readonly last?: number
  readonly hourly?: number
  readonly daily?: number
  readonly weekly?: number
  readonly monthly?: number
  readonly yearly?: number
}

export const RETENTION_RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const
export type RetentionRule = typeof RETENTION_RULES[number]

export interface Dated {
  readonly id: string
  /** Milliseconds since the epoch. */
  readonly time: number
}

export interface Kept<T> {
  readonly snapshot: T
  /** The rules that keep it: "daily", "oldest monthly", … */
  readonly reasons: readonly string[]
}

export interface RetentionResult<T> {
  /** Newest first. */
  readonly keep: ReadonlyArray<Kept<T>>
  readonly remove: readonly T[]
}

/** A policy with no rule keeps everything: forgetting all by a typo is not a thing to do. */
export function isEmptyPolicy (policy: RetentionPolicy): boolean {
  return RETENTION_RULES.every(rule => (policy[rule] ?? 0) === 0)
}

const BUCKETS: Record<RetentionRule, (time: number, index: number) => number> = {
  last: (_time, index) => index,
  hourly: time => Math.floor(time / 3_600_000),
  daily: time => Math.floor(time / 86_400_000),
  weekly: isoWeek,
  monthly: time => { const d = new Date(time); return d.getUTCFullYear() * 12 + d.getUTCMonth() },
  yearly: time => new Date(time).getUTCFullYear()
}

export function applyRetention<T extends Dated> (snapshots: readonly T[], policy: RetentionPolicy): RetentionResult<T> {
  // Newest first; equal times by id, so the result never depends on input order.
  const list = [...snapshots].sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
  if (isEmptyPolicy(policy)) return { keep: list.map(snapshot => ({ snapshot, reasons: ['no policy'] })), remove: [] }
  const state = RETENTION_RULES.map(rule => ({ rule, count: policy[rule] ?? 0, last: undefined as number | undefined }))
  const keep: Array<Kept<T>> = []
  const remove: T[] = []
  list.forEach((snapshot, index) => {
    const oldest = index === list.length - 1
    const reasons: string[] = []
    for (const bucket of state) {
      if (bucket.count === 0) continue
      const value = BUCKETS[bucket.rule](snapshot.time, index)
      if (value === bucket.last && !oldest) continue
      reasons.push(value === bucket.last ? `oldest ${bucket.rule}` : bucket.rule)
      bucket.last = value
      if (bucket.count > 0) bucket.count--
    }
    if (reasons.length > 0) keep.push({ snapshot, reasons })
    else remove.push(snapshot)
  })
  return { keep, remove }
}

/** The ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday) as year × 53 + week. */
export function isoWeek (time: number): number {
  const date = new Date(time)
  const day = (date.getUTCDay() + 6) % 7
  // The Thursday of this week decides its year.
  const thursday = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day + 3)
  const year = new Date(thursday).getUTCFullYear()
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000))
  return year * 53 + week
}

/** "--keep-daily 7"-style numbers: a whole number ≥ 0, or "unlimited" (-1). */
export function parseKeep (value: string, flag: string): number {
  if (value === 'unlimited') return -1
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || value.trim() === '') throw new UsageError(`${flag} takes a whole number ≥ 0 or "unlimited", not "${value}"`)
  return n
}
