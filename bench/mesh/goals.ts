import { findRow } from '../section.ts'
import type { Section } from '../section.ts'
import { formatTime } from '../table.ts'
import { getGroup, putGroup } from './latency-report.ts'
import { megabytes } from './memory.ts'

export const GOAL_RELAYS = 20
export const GOAL_RECORDS = 100_000

/** A mesh target, judged on what was measured; SKIP when the run did not measure what it speaks of. */
export interface MeshGoalStatus {
  readonly label: string
  readonly measured: number | undefined
  readonly limit: number
  readonly unit: 'ms' | 'bytes'
  readonly verdict: 'PASS' | 'FAIL' | 'SKIP'
  readonly note?: string
}

export interface MeshMemory {
  readonly records: number
  /** The highest settled RSS of the storage scenario, in bytes. */
  readonly rss: number
}

export function checkMeshGoals (sections: readonly Section[], memory: MeshMemory | undefined): MeshGoalStatus[] {
  const time = (label: string, group: string, statistic: 'median' | 'p95', limit: number): MeshGoalStatus => {
    const measuredMs = findRow(sections, group, 'slurp')?.result[statistic]
    return { label, measured: measuredMs, limit, unit: 'ms', verdict: measuredMs !== undefined && measuredMs <= limit ? 'PASS' : 'FAIL' }
  }
  const fullSize = memory?.records === GOAL_RECORDS
  return [
    time(`get p50 ≤ 15 ms with ${GOAL_RELAYS} relays`, getGroup(GOAL_RELAYS), 'median', 15),
    time(`get p95 ≤ 40 ms with ${GOAL_RELAYS} relays`, getGroup(GOAL_RELAYS), 'p95', 40),
    time('put to 3 replicas p50 ≤ 30 ms, 5 relays', putGroup(5), 'median', 30),
    time(`put to 3 replicas p50 ≤ 30 ms, ${GOAL_RELAYS} relays`, putGroup(GOAL_RELAYS), 'median', 30),
    {
      label: `${GOAL_RECORDS.toLocaleString('en-US')} records on one relay in ≤ 300 MB RSS`,
      measured: memory?.rss,
      limit: 300e6,
      unit: 'bytes',
      verdict: memory === undefined || !fullSize ? 'SKIP' : memory.rss <= 300e6 ? 'PASS' : 'FAIL',
      ...(memory !== undefined && !fullSize ? { note: `--quick loads ${memory.records.toLocaleString('en-US')}` } : {})
    }
  ]
}

export function renderMeshGoals (statuses: readonly MeshGoalStatus[]): string {
  const lines = statuses.map(({ label, measured, limit, unit, verdict, note }) => {
    const shown = measured === undefined ? 'not measured' : unit === 'ms' ? formatTime(measured) : `${megabytes(measured)} (whole process)`
    const share = measured === undefined ? '' : `, ${(measured / limit * 100).toFixed(0)}% of the limit`
    return `${verdict}  ${label}  (${shown}${share}${note === undefined ? '' : `; ${note}`})`
  })
  return `mesh goals\n\n${lines.join('\n')}\n`
}
