import { writeFile } from 'node:fs/promises'
import type { GoalStatus } from './goals.ts'
import type { MachineInfo } from './machine.ts'
import { ratio } from './section.ts'
import type { Section } from './section.ts'

/**
 * Machine-readable results, for comparing runs over time. Times in
 * milliseconds, sizes in bytes; `extra` carries what a suite measured beyond
 * its tables (the mesh suite's facts and goals).
 */
export async function writeJsonResults (path: string, machine: MachineInfo, quick: boolean, sections: readonly Section[], goals: readonly GoalStatus[], extra: Record<string, unknown> = {}): Promise<void> {
  const document = {
    date: new Date().toISOString(),
    quick,
    machine,
    ...extra,
    sections: sections.map(section => ({
      title: section.title,
      notes: section.notes,
      groups: section.groups.map(group => ({
        label: group.label,
        rows: group.rows.map(row => ({
          id: row.id,
          name: row.name,
          ...row.result,
          opsPerSecond: 1000 / row.result.median,
          ratios: Object.fromEntries(section.baselines.map(baseline => [baseline.id, ratio(group, row, baseline) ?? null]))
        }))
      }))
    })),
    goals: goals.map(({ goal, medianMs, pass }) => ({ ...goal, medianMs: medianMs ?? null, pass }))
  }
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`)
}
