import { formatHeader, formatSample } from './exposition.ts'
import type { Labels } from './exposition.ts'
import type { MetricOptions } from './counter.ts'
import { SeriesMap } from './series.ts'

/** A value that goes up and down; usually set from current state just before a scrape. */
export class Gauge {
  readonly type = 'gauge'
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

  set (value: number, labels: Labels = {}): void {
    this.series.at(labels).value = value
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
