import { UsageError } from '../errors.ts'
import { checkLabelName } from './exposition.ts'
import type { Labels } from './exposition.ts'

export interface Series<T> {
  readonly labels: ReadonlyArray<readonly [string, string]>
  readonly state: T
}

/**
 * One metric's time series, one per distinct set of label values. Callers
 * must give exactly the declared labels, so a typo cannot silently start a
 * new series that no dashboard queries.
 */
export class SeriesMap<T> {
  private readonly series = new Map<string, Series<T>>()

  constructor (readonly metric: string, readonly labelNames: readonly string[], private readonly create: () => T) {
    for (const name of labelNames) checkLabelName(name)
    if (new Set(labelNames).size !== labelNames.length) throw new UsageError(`metric ${metric} declares a label twice`)
    // An unlabelled metric shows its zero before the first update, as scrapers expect.
    if (labelNames.length === 0) this.at({})
  }

  at (labels: Labels = {}): T {
    const given = Object.keys(labels)
    if (given.length !== this.labelNames.length || given.some(name => !this.labelNames.includes(name))) {
      throw new UsageError(`metric ${this.metric} takes labels [${this.labelNames.join(', ')}], not [${given.join(', ')}]`)
    }
    const values = this.labelNames.map(name => labels[name] as string)
    const id = JSON.stringify(values)
    let entry = this.series.get(id)
    if (entry === undefined) {
      entry = { labels: this.labelNames.map((name, i) => [name, values[i] as string] as const), state: this.create() }
      this.series.set(id, entry)
    }
    return entry.state
  }

  /** In label-value order, so the page reads the same on every scrape. */
  entries (): Array<Series<T>> {
    return [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => entry)
  }
}
