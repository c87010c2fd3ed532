import { UsageError } from '../errors.ts'

/**
 * The Prometheus text exposition format, version 0.0.4: the pieces every metric
 * type renders itself with. Escaping follows the format's rules exactly, since
 * one bad line makes a scraper drop the whole page.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export type Labels = Readonly<Record<string, string>>

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

export function checkMetricName (name: string): void {
  if (!METRIC_NAME.test(name)) throw new UsageError(`"${name}" is not a valid Prometheus metric name`)
}

/** Names starting with `__` are reserved for Prometheus itself. */
export function checkLabelName (name: string): void {
  if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new UsageError(`"${name}" is not a valid Prometheus label name`)
}

/** HELP text escapes only backslash and line feed. */
export function escapeHelp (text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

/** Label values also escape the double quote that delimits them. */
export function escapeLabelValue (value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** Go's ParseFloat spellings: `+Inf`, `-Inf`, `NaN`. */
export function formatValue (value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

export function formatSample (name: string, labels: ReadonlyArray<readonly [string, string]>, value: number): string {
  const text = labels.map(([label, labelValue]) => `${label}="${escapeLabelValue(labelValue)}"`).join(',')
  return `${name}${text === '' ? '' : `{${text}}`} ${formatValue(value)}`
}

export function formatHeader (name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`]
}
