import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { MetricsRegistry, PROMETHEUS_CONTENT_TYPE } from '../../src/metrics/registry.ts'
import { escapeHelp, escapeLabelValue, formatValue } from '../../src/metrics/exposition.ts'

// One sample line of the 0.0.4 text format: name, optional {labels}, value.
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\["\\n])*")*\})? (NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/

describe('metrics registry (Prometheus text format 0.0.4)', () => {
  it('renders counters with HELP and TYPE, unlabelled ones from zero', () => {
    const registry = new MetricsRegistry()
    const plain = registry.counter({ name: 'jobs_total', help: 'Jobs run.' })
    const byKind = registry.counter({ name: 'events_total', help: 'Events.', labelNames: ['kind'] })
    expect(registry.render()).toBe([
      '# HELP jobs_total Jobs run.',
      '# TYPE jobs_total counter',
      'jobs_total 0',
      '# HELP events_total Events.',
      '# TYPE events_total counter',
      ''
    ].join('\n'))
    plain.inc()
    plain.inc({}, 2.5)
    byKind.inc({ kind: 'b' })
    byKind.inc({ kind: 'a' }, 3)
    expect(registry.render()).toBe([
      '# HELP jobs_total Jobs run.',
      '# TYPE jobs_total counter',
      'jobs_total 3.5',
      '# HELP events_total Events.',
      '# TYPE events_total counter',
      'events_total{kind="a"} 3',
      'events_total{kind="b"} 1',
      ''
    ].join('\n'))
    expect(byKind.get({ kind: 'a' })).toBe(3)
  })

  it('counters refuse to go down or take wrong labels', () => {
    const registry = new MetricsRegistry()
    const counter = registry.counter({ name: 'c_total', help: 'c', labelNames: ['a'] })
    expect(() => counter.inc({ a: 'x' }, -1)).toThrow(UsageError)
    expect(() => counter.inc({ a: 'x' }, Number.NaN)).toThrow(UsageError)
    expect(() => counter.inc({})).toThrow(/takes labels \[a\]/)
    expect(() => counter.inc({ a: 'x', b: 'y' })).toThrow(UsageError)
    expect(() => counter.inc({ b: 'y' })).toThrow(UsageError)
  })

  it('gauges go up and down, including to special values', () => {
    const registry = new MetricsRegistry()
    const gauge = registry.gauge({ name: 'temperature', help: 'Now.', labelNames: ['room'] })
    gauge.set(21.5, { room: 'hall' })
    gauge.set(-3, { room: 'cellar' })
    gauge.set(Infinity, { room: 'sun' })
    gauge.set(-4, { room: 'cellar' })
    expect(registry.render()).toContain('# TYPE temperature gauge\ntemperature{room="cellar"} -4\ntemperature{room="hall"} 21.5\ntemperature{room="sun"} +Inf\n')
  })

  it('histograms count into cumulative buckets with sum and count', () => {
    const registry = new MetricsRegistry()
    const histogram = registry.histogram({ name: 'latency_seconds', help: 'Latency.', buckets: [0.1, 1, 10] })
    for (const value of [0.05, 0.1, 0.5, 5, 50]) histogram.observe(value)
    expect(registry.render()).toBe([
      '# HELP latency_seconds Latency.',
      '# TYPE latency_seconds histogram',
      'latency_seconds_bucket{le="0.1"} 2',
      'latency_seconds_bucket{le="1"} 3',
      'latency_seconds_bucket{le="10"} 4',
      'latency_seconds_bucket{le="+Inf"} 5',
      'latency_seconds_sum 55.65',
      'latency_seconds_count 5',
      ''
    ].join('\n'))
    expect(histogram.get()).toEqual({ count: 5, sum: 55.65 })
  })

  it('labelled histograms put `le` after their own labels', () => {
    const registry = new MetricsRegistry()
    const histogram = registry.histogram({ name: 'size_bytes', help: 'Sizes.', labelNames: ['op'], buckets: [100] })
    histogram.observe(150, { op: 'put' })
    const page = registry.render()
    expect(page).toContain('size_bytes_bucket{op="put",le="100"} 0\n')
    expect(page).toContain('size_bytes_bucket{op="put",le="+Inf"} 1\n')
    expect(page).toContain('size_bytes_sum{op="put"} 150\n')
    expect(page).toContain('size_bytes_count{op="put"} 1\n')
  })

  it('refuses bad histogram declarations and NaN observations', () => {
    const registry = new MetricsRegistry()
    expect(() => registry.histogram({ name: 'h1', help: 'h', buckets: [] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h2', help: 'h', buckets: [1, 1] })).toThrow(/strictly increasing/)
    expect(() => registry.histogram({ name: 'h3', help: 'h', buckets: [2, 1] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h4', help: 'h', buckets: [1, Infinity] })).toThrow(UsageError)
    expect(() => registry.histogram({ name: 'h5', help: 'h', buckets: [1], labelNames: ['le'] })).toThrow(/"le"/)
    const ok = registry.histogram({ name: 'h6', help: 'h', buckets: [1] })
    expect(() => ok.observe(Number.NaN)).toThrow(UsageError)
  })

  it('escapes label values and help text', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd')
    expect(escapeHelp('line1\nback\\slash "quoted"')).toBe('line1\\nback\\\\slash "quoted"')
    const registry = new MetricsRegistry()
    registry.counter({ name: 'odd_total', help: 'Two\nlines \\ here', labelNames: ['path'] }).inc({ path: 'C:\\dir\n"x"' })
    const page = registry.render()
    expect(page).toContain('# HELP odd_total Two\\nlines \\\\ here\n')
    expect(page).toContain('odd_total{path="C:\\\\dir\\n\\"x\\""} 1\n')
    for (const line of page.split('\n').filter(l => l !== '' && !l.startsWith('#'))) expect(line).toMatch(SAMPLE)
  })

  it('formats special values the way Prometheus parses them', () => {
    expect(formatValue(Number.NaN)).toBe('NaN')
    expect(formatValue(Infinity)).toBe('+Inf')
    expect(formatValue(-Infinity)).toBe('-Inf')
    expect(formatValue(0.25)).toBe('0.25')
    expect(formatValue(1e21)).toBe('1e+21')
  })

  it('validates metric and label names', () => {
    const registry = new MetricsRegistry()
    expect(() => registry.counter({ name: '1bad', help: 'x' })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'bad-name', help: 'x' })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'good:name_total', help: 'x' })).not.toThrow()
    expect(() => registry.counter({ name: 'l1', help: 'x', labelNames: ['__reserved'] })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'l2', help: 'x', labelNames: ['has space'] })).toThrow(UsageError)
    expect(() => registry.counter({ name: 'l3', help: 'x', labelNames: ['a', 'a'] })).toThrow(/twice/)
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

  it('an empty registry renders nothing; the content type names version 0.0.4', () => {
    expect(new MetricsRegistry().render()).toBe('')
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8')
  })
})
