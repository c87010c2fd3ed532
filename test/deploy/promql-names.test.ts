import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PromqlSyntaxError, metricNames, metricSelectors } from './promql-names.ts'

const RESERVED = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan']

// Names shaped like metric names (with recording-rule colons), never a keyword in any case.
const metric = fc.stringMatching(/^[a-z_][a-z0-9_:]{0,12}$/).filter(name => !RESERVED.includes(name.toLowerCase()))
const label = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter(name => name !== '__name__')
const value = fc.stringMatching(/^[a-zA-Z0-9 {}()[\],=~"\\]{0,10}$/).map(text => JSON.stringify(text))
const matcher = fc.tuple(label, fc.constantFrom('=', '!=', '=~', '!~'), value).map(([l, op, v]) => `${l}${op}${v}`)
const labelList = fc.array(label, { maxLength: 3 }).map(labels => `(${labels.join(', ')})`)

interface Built { text: string, names: string[] }

const built = fc.letrec<{ expr: Built, selector: Built }>(tie => ({
  selector: fc.tuple(metric, fc.option(fc.array(matcher, { maxLength: 3 }), { nil: undefined }), fc.boolean())
    .map(([name, matchers, offset]) => ({
      text: `${name}${matchers === undefined ? '' : `{${matchers.join(', ')}}`}${offset ? ' offset 5m' : ''}`,
      names: [name]
    })),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('selector') as fc.Arbitrary<Built>,
    fc.oneof(fc.integer({ min: 0, max: 1000 }).map(String), fc.constantFrom('0.99', '1e-3', '0x1f', 'Inf', 'NaN')).map(text => ({ text, names: [] })),
    fc.tuple(tie('selector') as fc.Arbitrary<Built>, fc.constantFrom('[5m]', '[$__rate_interval]', '[1h30m:1m]')).map(([s, range]) => ({ text: `rate(${s.text}${range})`, names: s.names })),
    fc.tuple(fc.constantFrom('sum', 'max', 'count'), fc.constantFrom('by', 'without', 'BY'), labelList, tie('expr') as fc.Arbitrary<Built>, fc.boolean())
      .map(([agg, grouping, labels, e, before]) => ({ text: before ? `${agg} ${grouping} ${labels} (${e.text})` : `${agg}(${e.text}) ${grouping} ${labels}`, names: e.names })),
    fc.tuple(tie('expr') as fc.Arbitrary<Built>).map(([e]) => ({ text: `histogram_quantile(0.99, ${e.text})`, names: e.names })),
    // group_left with no list before a "(" would take that "(" as its list: always give one.
    fc.tuple(tie('expr') as fc.Arbitrary<Built>, fc.constantFrom('+', '/', '>', '== bool', 'and', 'OR', 'unless', '* on (instance) group_left ()', '/ ignoring (le) group_right (x)'), tie('expr') as fc.Arbitrary<Built>)
      .map(([a, op, b]) => ({ text: `${a.text} ${op}\n  ${b.text}`, names: [...a.names, ...b.names] })),
    fc.tuple(tie('expr') as fc.Arbitrary<Built>).map(([e]) => ({ text: `(${e.text}) # a comment with name_like_words\n`, names: e.names }))
  )
}))

describe('metric names of a PromQL expression', () => {
  it('finds exactly the metrics an expression selects, whatever surrounds them', () => {
    fc.assert(fc.property(built.expr, ({ text, names }) => {
      expect(metricNames(text).sort()).toEqual([...new Set(names)].sort())
    }), { numRuns: 300 })
  })

  it('reads the rules and panels this repository writes', () => {
    expect(metricSelectors('up{job="slurp-relay"} == 0')).toEqual([{ name: 'up', labels: ['job'] }])
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(slurp_put_duration_seconds_bucket{job=~"$job", instance=~"$instance"}[$__rate_interval])))'))
      .toEqual(['slurp_put_duration_seconds_bucket'])
    expect(metricNames('time() - slurp_audit_checkpoint_timestamp_seconds > 300')).toEqual(['slurp_audit_checkpoint_timestamp_seconds'])
    expect(metricNames('slurp_disk_free_bytes < 2 * slurp_disk_min_free_bytes or increase(slurp_writes_refused_total{reason="ERR_STORAGE_FULL"}[5m]) > 0'))
      .toEqual(['slurp_disk_free_bytes', 'slurp_disk_min_free_bytes', 'slurp_writes_refused_total'])
    expect(metricSelectors('{__name__="process_open_fds", instance="a:1"} / ignoring(x) process_max_fds'))
      .toEqual([{ name: 'process_open_fds', labels: ['instance'] }, { name: 'process_max_fds', labels: [] }])
    // Grafana's ${var:format} (spelt in two parts: it is not a template string here).
    const formatted = '$' + '{job:raw}'
    expect(metricNames(`label_replace(x, "dst", "$1", "src", "(.*)") + count_values("v", y) + ${formatted}`)).toEqual(['x', 'y'])
  })

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => metricNames('x{job="a}')).toThrow(PromqlSyntaxError)
    expect(() => metricNames('x{job}')).toThrow(PromqlSyntaxError)
    expect(() => metricNames('rate(x[5m)')).toThrow(PromqlSyntaxError)
  })
})
