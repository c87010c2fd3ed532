import { UsageError } from '../errors.ts'
import { formatHeader, formatSample, formatValue } from './exposition.ts'
import type { Labels } from './exposition.ts'
import type { MetricOptions } from './counter.ts'
import { SeriesMap } from './series.ts'

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, strictly increasing and finite; `+Inf` is always added. */
  readonly buckets: readonly number[]
}

interface HistogramState {
  /** Per bucket, not cumulative; the last slot is the +Inf bucket. */
  counts: number[]
  sum: number
  count: number
}

/** Observations counted into fixed buckets, with their sum and count. */
export class Histogram {
  readonly type = 'histogram'
  readonly name: string
  readonly help: string
  readonly buckets: readonly number[]
  private readonly series: SeriesMap<HistogramState>

  constructor (options: HistogramOptions) {
    this.name = options.name
    this.help = options.help
    const buckets = [...options.buckets]
    if (buckets.length === 0) throw new UsageError(`histogram ${options.name} needs at least one bucket`)
    buckets.forEach((bound, i) => {
      if (!Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number))) {
        throw new UsageError(`histogram ${options.name} buckets must be finite and strictly increasing`)
      }
    })
    // `le` is the bucket label the format itself adds.
    if ((options.labelNames ?? []).includes('le')) throw new UsageError(`histogram ${options.name} may not use the label "le"`)
    this.buckets = buckets
    this.series = new SeriesMap(options.name, options.labelNames ?? [], () => ({ counts: new Array<number>(buckets.length + 1).fill(0), sum: 0, count: 0 }))
  }

  get labelNames (): readonly string[] {
    return this.series.labelNames
  }

  observe (value: number, labels: Labels = {}): void {
    if (Number.isNaN(value)) throw new UsageError(`histogram ${this.name} cannot observe NaN`)
    const state = this.series.at(labels)
    const index = this.buckets.findIndex(bound => value <= bound)
    const slot = index === -1 ? this.buckets.length : index
    state.counts[slot] = (state.counts[slot] as number) + 1
    state.sum += value
    state.count++
  }

  /** Count and sum of one series (for tests and status pages). */
  get (labels: Labels = {}): { count: number, sum: number } {
    const { count, sum } = this.series.at(labels)
    return { count, sum }
  }

  render (): string[] {
    const lines = formatHeader(this.name, this.help, this.type)
    for (const { labels, state } of this.series.entries()) {
      let cumulative = 0
      const bounds = [...this.buckets, Infinity]
      bounds.forEach((bound, i) => {
        cumulative += state.counts[i] as number
        lines.push(formatSample(`${this.name}_bucket`, [...labels, ['le', formatValue(bound)]], cumulative))
      })
      lines.push(formatSample(`${this.name}_sum`, labels, state.sum))
      lines.push(formatSample(`${this.name}_count`, labels, state.count))
    }
    return lines
  }
}
