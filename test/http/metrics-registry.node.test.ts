import { describe, expect, it } from 'vitest'
import { Gauge, Registry } from 'prom-client'
import { UsageError } from '../../src/errors.ts'
import { createDiskGuard } from '../../relay/disk-guard.ts'
import { createProcessMetrics } from '../../relay/metrics/process-metrics.ts'
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../relay/metrics/registry.ts'
import { renderGuarded } from '../../relay/metrics/runtime-metrics.ts'
import { sample } from './fixtures.ts'

// One sample line of the 0.0.4 text format: name, optional {labels}, value.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*")*\})? (Nan|NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/
const MiB = 1024 * 1024

function samples (page: string): string[] {
  return page.split('\n').filter(line => line !== '' && !line.startsWith('#'))
}

describe('metrics registry (prom-client, Prometheus text format 0.0.4)', () => {
  it('renders counters with HELP and TYPE, unlabelled ones from zero, labelled ones per series', async () => {
    const registry = new MetricsRegistry()
    const plain = registry.counter({ name: 'jobs_total', help: 'Jobs run.' })
    const byKind = registry.counter({ name: 'events_total', help: 'Events.', labelNames: ['kind'] })
    expect(await registry.render()).toContain('# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total 0\n')
    plain.inc()
    plain.inc(2.5)
    byKind.inc({ kind: 'b' })
    byKind.inc({ kind: 'a' }, 3)
    const page = await registry.render()
    expect(sample(page, 'jobs_total')).toBe(3.5)
    expect(sample(page, 'events_total', { kind: 'a' })).toBe(3)
    expect(sample(page, 'events_total', { kind: 'b' })).toBe(1)
    expect(page).toContain('# TYPE events_total counter\n')
    for (const line of samples(page)) expect(line).toMatch(SAMPLE)
  })

  it('counters refuse to go down or take labels they were not declared with', () => {
    const registry = new MetricsRegistry()
    const counter = registry.counter({ name: 'c_total', help: 'c', labelNames: ['a'] })
    expect(() => { counter.inc({ a: 'x' }, -1) }).toThrow(/decrease/)
    expect(() => { counter.inc({ a: 'x', b: 'y' } as never) }).toThrow(/"b" is not included/)
  })

  it('gauges go up and down, including to special values Prometheus parses', async () => {
    const registry = new MetricsRegistry()
    const gauge = registry.gauge({ name: 'temperature', help: 'Now.', labelNames: ['room'] })
    gauge.set({ room: 'hall' }, 21.5)
    gauge.set({ room: 'cellar' }, -3)
    gauge.set({ room: 'sun' }, Infinity)
    gauge.set({ room: 'cellar' }, -4)
    const page = await registry.render()
    expect(page).toContain('temperature{room="cellar"} -4\n')
    expect(page).toContain('temperature{room="hall"} 21.5\n')
    expect(page).toContain('temperature{room="sun"} +Inf\n')
    for (const line of samples(page)) expect(line).toMatch(SAMPLE)
  })

  it('histograms count into cumulative buckets with sum and count, `le` after their own labels', async () => {
    const registry = new MetricsRegistry()
    const latency = registry.histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1, 10] })
    for (const value of [0.05, 0.1, 0.5, 5, 50]) latency.observe(value)
    const sizes = registry.histogram({ name: 'size_bytes', help: 'Sizes.', labelNames: ['op'], buckets: [100] })
    sizes.observe({ op: 'put' }, 150)
    const page = await registry.render()
    expect(page).toContain([
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{le="0.1"} 2',
      'latency_seconds_bucket{le="1"} 3',
      'latency_seconds_bucket{le="10"} 4',
      'latency_seconds_bucket{le="+Inf"} 5',
      'latency_seconds_sum 55.65',
      'latency_seconds_count 5'
    ].join('\n'))
    expect(page).toContain('size_bytes_bucket{le="100",op="put"} 0\n')
    expect(page).toContain('size_bytes_bucket{le="+Inf",op="put"} 1\n')
    expect(page).toContain('size_bytes_sum{op="put"} 150\n')
  })

  it('refuses bad declarations with a UsageError', () => {
    const registry = new MetricsRegistry()
    expect(() => registry.histogram({ name: 'h1', help: 'h', buckets: [] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h2', help: 'h', buckets: [1, 1] })).toThrow(/strictly increasing/)
    expect(() => registry.histogram({ name: 'h3', help: 'h', buckets: [2, 1] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h4', help: 'h', buckets: [1, Infinity] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h5', help: 'h', buckets: [1], labelNames: ['le'] })).toThrow(UsageError)
    expect(() => registry.counter({ name: '1bad', help: 'x' })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'bad-name', help: 'x' })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'good:name_total', help: 'x' })).not.toThrow()
    expect(() => registry.counter({ name: 'l2', help: 'x', labelNames: ['has space'] })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'l3', help: 'x', labelNames: ['a', 'a'] })).toThrow(/twice/)
  })

  it('escapes label values and help text', async () => {
    const registry = new MetricsRegistry()
    registry.counter({ name: 'odd_total', help: 'Two\nlines \\ here', labelNames: ['path'] }).inc({ path: 'C:\\dir\n"x"' })
    const page = await registry.render()
    expect(page).toContain('# HELP odd_total Two\\nlines \\\\ here\n')
    expect(page).toContain('odd_total{path="C:\\\\dir\\n\\"x\\""} 1\n')
    for (const line of samples(page)) expect(line).toMatch(SAMPLE)
  })

  it('returns the same metric for the same declaration and refuses a clashing one', () => {
    const registry = new MetricsRegistry()
    const first = registry.counter({ name: 'shared_total', help: 'Shared.', labelNames: ['x'] })
    expect(registry.counter({ name: 'shared_total', help: 'Shared.', labelNames: ['x'] })).toBe(first)
    expect(() => registry.gauge({ name: 'shared_total', help: 'Shared.', labelNames: ['x'] })).toThrow(/already registered/)
    expect(() => registry.counter({ name: 'shared_total', help: 'Other.', labelNames: ['x'] })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'shared_total', help: 'Shared.' })).toThrow(UsageError)
    const h = registry.histogram({ name: 'h_seconds', help: 'h', buckets: [1, 2] })
    expect(registry.histogram({ name: 'h_seconds', help: 'h', buckets: [1, 2] })).toBe(h)
    expect(() => registry.histogram({ name: 'h_seconds', help: 'h', buckets: [1, 3] })).toThrow(UsageError)
  })

  it('names the 0.0.4 content type', () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(new MetricsRegistry().contentType).toBe(PROMETHEUS_CONTENT_TYPE)
  })
})

describe('runtime and process metrics', () => {
  it('adds the runtime\'s process_* and nodejs_* metrics after the relay\'s own, once', async () => {
    const registry = new MetricsRegistry()
    registry.counter({ name: 'slurp_first_total', help: 'First.' })
    registry.collectRuntimeMetrics()
    registry.collectRuntimeMetrics()
    const page = await registry.render()
    expect(page.indexOf('slurp_first_total')).toBeLessThan(page.indexOf('process_resident_memory_bytes'))
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'process_max_fds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(page.match(new RegExp(`^# TYPE ${name} `, 'gm'))).toHaveLength(1)
    }
    expect(sample(page, 'process_resident_memory_bytes')).toBeGreaterThan(0)
  })

  it('drops a runtime metric whose collection throws, and renders the rest', async () => {
    const runtime = new Registry()
    new Gauge({ name: 'works', help: 'w', registers: [runtime] }).set(1)
    // What a runtime that stubs an API (and throws from it) does to a default metric.
    const stubbed = new Gauge({ name: 'stubbed', help: 's', registers: [runtime], collect () { throw new Error('not implemented on this runtime') } })
    expect(runtime.getSingleMetric('stubbed')).toBe(stubbed)
    expect(await renderGuarded(runtime)).toBe('# HELP works w\n# TYPE works gauge\nworks 1\n')
    expect(runtime.getSingleMetric('stubbed')).toBeUndefined()
  })

  it('reports the disk guard\'s free space and floor at each scrape, NaN when the file system cannot say', async () => {
    let free: number | undefined = 300 * MiB
    let now = 0
    const guard = createDiskGuard({ path: '/data', minFreeBytes: 100 * MiB, checkEveryMs: 5000, now: () => now, freeBytes: async () => { if (free === undefined) throw new Error('no statfs'); return free } })
    const registry = createProcessMetrics({ disk: guard })
    const first = await registry.render()
    expect(sample(first, 'slurp_disk_free_bytes')).toBe(300 * MiB)
    expect(sample(first, 'slurp_disk_min_free_bytes')).toBe(100 * MiB)
    free = 150 * MiB
    expect(sample(await registry.render(), 'slurp_disk_free_bytes')).toBe(300 * MiB)
    now += 5000
    expect(sample(await registry.render(), 'slurp_disk_free_bytes')).toBe(150 * MiB)
    free = undefined
    now += 5000
    expect(await registry.render()).toContain('\nslurp_disk_free_bytes Nan\n')
  })
})
