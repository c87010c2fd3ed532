import { UsageError } from '../errors.ts'
import { formatHeader, formatSample } from './exposition.ts'
import type { Labels } from './exposition.ts'
import { SeriesMap } from './series.ts'

export interface MetricOptions {
  readonly name: string
  readonly help: string
  readonly labelNames?: readonly string[]
}

/** A value that only goes up (it resets only when the process restarts). */
export class Counter {
  readonly type = 'counter'
  readonly name: string
  readonly help: string
  private readonly series: SeriesMap<{ value: number }>

  constructor (options: MetricOptions) {
    this.name = options.name
    this.help = options.help
    this.series = new SeriesMap(options.name, options.labelNames ?? [], () => ({ value: 0 }))
  }

  get labelNames (): readonly string[] {
    return this.series.labelNames
  }

  inc (labels: Labels = {}, by = 1): void {
    if (!Number.isFinite(by) || by < 0) throw new UsageError(`counter ${this.name} can only grow by a finite non-negative amount, not ${by}`)
    this.series.at(labels).value += by
  }

  get (labels: Labels = {}): number {
    return this.series.at(labels).value
  }

  render (): string[] {
    return [
      ...formatHeader(this.name, this.help, this.type),
      ...this.series.entries().map(({ labels, state }) => formatSample(this.name, labels, state.value))
    ]
  }
}
