import { UsageError } from '../errors.ts'
import { Counter } from './counter.ts'
import type { MetricOptions } from './counter.ts'
import { checkMetricName } from './exposition.ts'
import { Gauge } from './gauge.ts'
import { Histogram } from './histogram.ts'
import type { HistogramOptions } from './histogram.ts'

export { PROMETHEUS_CONTENT_TYPE } from './exposition.ts'
export type { Labels } from './exposition.ts'
export { Counter, Gauge, Histogram }

type Metric = Counter | Gauge | Histogram

/**
 * A tiny Prometheus registry: counters, gauges and fixed-bucket histograms,
 * rendered in the text exposition format 0.0.4.
 *
 * Asking twice for the same metric (same name, type, help, labels, buckets)
 * returns the one already registered, so independent parts of a process (the
 * record keeper's hook, the HTTP app) can each declare what they use without
 * coordinating; a clashing declaration throws.
 */
export class MetricsRegistry {
  private readonly metrics = new Map<string, { metric: Metric, signature: string }>()

  counter (options: MetricOptions): Counter {
    return this.register(options, 'counter', '', () => new Counter(options))
  }

  gauge (options: MetricOptions): Gauge {
    return this.register(options, 'gauge', '', () => new Gauge(options))
  }

  histogram (options: HistogramOptions): Histogram {
    return this.register(options, 'histogram', options.buckets.join(','), () => new Histogram(options))
  }

  /** The whole page, metrics in registration order, ending with a newline. */
  render (): string {
    const lines = [...this.metrics.values()].flatMap(({ metric }) => metric.render())
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`
  }

  private register<M extends Metric> (options: MetricOptions, type: M['type'], extra: string, create: () => M): M {
    checkMetricName(options.name)
    const signature = JSON.stringify([type, options.help, options.labelNames ?? [], extra])
    const existing = this.metrics.get(options.name)
    if (existing !== undefined) {
      if (existing.signature !== signature) throw new UsageError(`metric ${options.name} is already registered with another type, help, labels or buckets`)
      return existing.metric as M
    }
    const metric = create()
    this.metrics.set(options.name, { metric, signature })
    return metric
  }
}
