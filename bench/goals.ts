import { VALIDATE_GROUP, WRITE_RECORD_GROUP, encryptGroup } from './cases.ts'
import { KiB } from './payload.ts'
import { findRow } from './section.ts'
import type { Section } from './section.ts'
import { formatTime } from './table.ts'

/** Targets the project holds itself to; reported, never thrown, so one slow run does not hide the rest. */
export interface Goal {
  readonly label: string
  readonly group: string
  readonly id: string
  readonly limitMs: number
}

export interface GoalStatus {
  readonly goal: Goal
  readonly medianMs: number | undefined
  readonly pass: boolean
}

export const GOALS: readonly Goal[] = [
  { label: 'encrypt 1 KiB to 3 roles ≤ 2 ms median', group: encryptGroup(KiB, 3), id: 'slurp', limitMs: 2 },
  { label: 'validate a record ≤ 0.3 ms median', group: VALIDATE_GROUP, id: 'slurp', limitMs: 0.3 },
  { label: 'encrypt + seal a 1 KiB record for 8 reader roles ≤ 0.3 ms median', group: WRITE_RECORD_GROUP, id: 'slurp', limitMs: 0.3 }
]

export function checkGoals (sections: readonly Section[]): GoalStatus[] {
  return GOALS.map(goal => {
    const medianMs = findRow(sections, goal.group, goal.id)?.result.median
    return { goal, medianMs, pass: medianMs !== undefined && medianMs <= goal.limitMs }
  })
}

export function renderGoals (statuses: readonly GoalStatus[]): string {
  const lines = statuses.map(({ goal, medianMs, pass }) => {
    const measured = medianMs === undefined ? 'not measured' : `median ${formatTime(medianMs)}, ${(medianMs / goal.limitMs * 100).toFixed(0)}% of the limit`
    return `${pass ? 'PASS' : 'FAIL'}  ${goal.label}  (${measured})`
  })
  return `goals\n\n${lines.join('\n')}\n`
}
