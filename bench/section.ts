import type { Measurement } from './measure.ts'

/** One measured implementation of one case, e.g. "typage" for "encrypt 1 KiB → 3". */
export interface Row {
  /** Stable key within a group; baselines refer to it. */
  readonly id: string
  readonly name: string
  readonly result: Measurement
}

export interface Group {
  readonly label: string
  readonly rows: Row[]
}

/** A ratio column: each row's median over the median of the row with `id` in the same group. */
export interface Baseline {
  readonly label: string
  readonly id: string
}

export interface Section {
  readonly title: string
  readonly baselines: readonly Baseline[]
  readonly groups: Group[]
  readonly notes: string[]
}

export function ratio (group: Group, row: Row, baseline: Baseline): number | undefined {
  const reference = group.rows.find(candidate => candidate.id === baseline.id)
  if (reference === undefined) return undefined
  return row.result.median / reference.result.median
}

export function findRow (sections: readonly Section[], group: string, id: string): Row | undefined {
  for (const section of sections) {
    const found = section.groups.find(candidate => candidate.label === group)?.rows.find(row => row.id === id)
    if (found !== undefined) return found
  }
  return undefined
}
