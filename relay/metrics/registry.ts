import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import { UsageError } from '../../src/errors.ts'
import { collectRuntimeMetrics, renderGuarded } from './runtime-metrics.ts'

export { Counter, Gauge, Histogram }

/** The Prometheus text exposition format, version 0.0.4 (prom-client's default). */
export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE

export interface MetricOptions<L extends string = string> {
  readonly name: string
  readonly help: string
  readonly labelNames?: readonly L[]
}

export interface HistogramOptions<L extends string = string> extends MetricOptions<L> {
  /** Upper bounds, increasing; prom-client adds `+Inf`. */
  readonly buckets: readonly number[]
}

type Metric = Counter<string> | Gauge<string> | Histogram<string>

/**
 * The relay's metrics, kept and rendered by prom-client. Relays run on Node,
 * Bun and Deno, and prom-client works on all three; the core (src/) never
 * imports this: it reports through narrow hooks (KeeperMetrics) that the
 * relay wires to a registry.
 *
 * What it adds to prom-client's own Registry: asking twice for the same
 * metric (same name, type, help, labels, buckets) returns the one already
 * registered, so independent parts of a process (the record keeper's hook,
 * the HTTP app, the process's disk gauges) each declare what they use without
 * coordinating, and a clashing declaration throws a UsageError instead of
 * prom-client's plain Error. And the runtime's own metrics (process_*,
 * nodejs_*) live apart, each rendered behind a guard (see runtime-metrics.ts).
 */
export class MetricsRegistry {
  /** prom-client's registry of the relay's own metrics. */
  readonly registry = new Registry()
  readonly contentType = PROMETHEUS_CONTENT_TYPE
  private runtime: Registry | undefined
  private readonly declared = new Map<string, { metric: Metric, signature: string }>()
  private readonly scrapeHooks: Array<(signal?: AbortSignal) => Promise<void>> = []

  counter<L extends string = string> (options: MetricOptions<L>): Counter<L> {
    return this.declare(options, 'counter', '', config => new Counter<L>(config))
  }

  gauge<L extends string = string> (options: MetricOptions<L>): Gauge<L> {
    return this.declare(options, 'gauge', '', config => new Gauge<L>(config))
  }

  histogram<L extends string = string> (options: HistogramOptions<L>): Histogram<L> {
    const buckets = [...options.buckets]
    // prom-client takes any list; unsorted or infinite bounds would render a page Prometheus rejects.
    if (buckets.length === 0 || buckets.some((bound, i) => !Number.isFinite(bound) || (i > 0 && bound <= (buckets[i - 1] as number)))) {
      throw new UsageError(`histogram ${options.name} needs finite, strictly increasing buckets`)
    }
    return this.declare(options, 'histogram', buckets.join(','), config => new Histogram<L>({ ...config, buckets }))
  }

  /**
   * Adds prom-client's default metrics of the running process (CPU, memory,
   * file descriptors, event-loop lag, heap, GC). Once per process is enough:
   * each call starts its own event-loop monitor. Idempotent per registry.
   */
  collectRuntimeMetrics (): void {
    this.runtime ??= collectRuntimeMetrics()
  }

  /**
   * Runs before every render, for gauges read from state that lives
   * elsewhere (free disk space): prom-client's per-metric `collect`, for
   * whoever owns the state rather than whoever declared the metric.
   */
  onScrape (hook: (signal?: AbortSignal) => Promise<void>): void {
    this.scrapeHooks.push(hook)
  }

  /** The whole page: the relay's metrics, then the runtime's. */
  async render (signal?: AbortSignal): Promise<string> {
    for (const hook of this.scrapeHooks) await hook(signal)
    const own = await this.registry.metrics()
    if (this.runtime === undefined) return own
    const runtime = await renderGuarded(this.runtime)
    return runtime === '' ? own : `${own}\n${runtime}`
  }

  private declare<M extends Metric, L extends string> (
    options: MetricOptions<L>,
    type: 'counter' | 'gauge' | 'histogram',
    extra: string,
    create: (config: { name: string, help: string, labelNames: readonly L[], registers: Registry[] }) => M
  ): M {
    const labelNames = options.labelNames ?? []
    const signature = JSON.stringify([type, options.help, labelNames, extra])
    const existing = this.declared.get(options.name)
    if (existing !== undefined) {
      if (existing.signature !== signature) throw new UsageError(`metric ${options.name} is already registered with another type, help, labels or buckets`)
      return existing.metric as M
    }
    if (new Set(labelNames).size !== labelNames.length) throw new UsageError(`metric ${options.name} declares a label twice`)
    let metric: M
    try {
      metric = create({ name: options.name, help: options.help, labelNames, registers: [this.registry] })
    } catch (error) {
      // prom-client checks names, label names and the reserved `le`, with plain Errors.
      throw new UsageError(`metric ${options.name}: ${(error as Error).message}`)
    }
    this.declared.set(options.name, { metric, signature })
    return metric
  }
}
