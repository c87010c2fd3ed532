/**
 * The metric selectors of a PromQL expression (as written in alert rules and
 * Grafana panels): each metric name it reads, with the label names its
 * matchers use. A tokenizer, not a parser: it only has to tell metric names
 * from everything else that looks like an identifier, which PromQL makes
 * possible by position:
 *
 * - an identifier followed by `(` is a function or an aggregation (`rate(`,
 *   `sum(`), and so is one followed by `by`/`without` (`sum by (le) (…)`),
 *   except the grouping keywords themselves, whose `(…)` holds label names;
 * - the binary-operator and modifier keywords (`and`, `bool`, `offset`, …)
 *   and `inf`/`nan` are not names;
 * - `{…}` holds label matchers (`__name__="x"` names a metric), `[…]` a
 *   range or subquery step, quotes strings, `$…` Grafana variables, `#` a
 *   comment to the end of the line;
 * - anything else shaped like a name is a metric name.
 */
export interface Selector {
  readonly name: string
  /** Label names its matchers use (not `__name__`). */
  readonly labels: readonly string[]
}

const GROUPING = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'])
const KEYWORDS = new Set([...GROUPING, 'and', 'or', 'unless', 'bool', 'offset', 'atan2', 'inf', 'nan'])
const IDENT = /[a-zA-Z_:][a-zA-Z0-9_:]*/y
const LABEL = /[a-zA-Z_][a-zA-Z0-9_]*/y
// Hex, durations (5m, 1h30m, 100ms), decimals with exponents.
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+(?:ms|[smhdwy]))+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/y

export class PromqlSyntaxError extends Error {
  override readonly name = 'PromqlSyntaxError'
}

export function metricSelectors (expr: string): Selector[] {
  const selectors: Selector[] = []
  let i = 0

  const skipSpace = (): void => {
    while (i < expr.length) {
      if (/\s/.test(expr[i] as string)) i++
      else if (expr[i] === '#') while (i < expr.length && expr[i] !== '\n') i++
      else return
    }
  }
  const match = (pattern: RegExp): string | undefined => {
    pattern.lastIndex = i
    const found = pattern.exec(expr)
    if (found === null) return undefined
    i += found[0].length
    return found[0]
  }
  const skipString = (): void => {
    const quote = expr[i]
    i++
    while (i < expr.length && expr[i] !== quote) i += expr[i] === '\\' && quote !== '`' ? 2 : 1
    if (i >= expr.length) throw new PromqlSyntaxError(`unterminated string in: ${expr}`)
    i++
  }
  const skipUntil = (close: string): void => {
    while (i < expr.length && expr[i] !== close) {
      if (expr[i] === '"' || expr[i] === '\'' || expr[i] === '`') skipString()
      else i++
    }
    if (i >= expr.length) throw new PromqlSyntaxError(`missing "${close}" in: ${expr}`)
    i++
  }
  /** Reads `{…}` from its opening brace: the label names matched, and a `__name__="x"` name. */
  const matchers = (): { labels: string[], name?: string } => {
    i++
    const labels: string[] = []
    let name: string | undefined
    for (;;) {
      skipSpace()
      if (expr[i] === '}') { i++; return name === undefined ? { labels } : { labels, name } }
      if (expr[i] === ',') { i++; continue }
      const label = match(LABEL)
      if (label === undefined) {
        // A quoted name (Prometheus 3's UTF-8 names) or anything unusual: skip to the next matcher.
        if (expr[i] === '"' || expr[i] === '\'' || expr[i] === '`') skipString()
        else if (i >= expr.length) throw new PromqlSyntaxError(`missing "}" in: ${expr}`)
        else i++
        continue
      }
      skipSpace()
      const op = match(/=~|!~|!=|=/y)
      if (op === undefined) throw new PromqlSyntaxError(`label ${label} without a matcher in: ${expr}`)
      skipSpace()
      const valueStart = i
      if (expr[i] !== '"' && expr[i] !== '\'' && expr[i] !== '`') throw new PromqlSyntaxError(`label ${label} without a quoted value in: ${expr}`)
      skipString()
      if (label === '__name__' && op === '=') name = expr.slice(valueStart + 1, i - 1)
      else labels.push(label)
    }
  }

  while (i < expr.length) {
    skipSpace()
    if (i >= expr.length) break
    const c = expr[i] as string
    if (c === '"' || c === '\'' || c === '`') { skipString(); continue }
    if (c === '[') { i++; skipUntil(']'); continue }
    if (c === '$') {
      // Grafana variables: $name, ${name}, ${name:format}, $__rate_interval.
      i++
      if (expr[i] === '{') { i++; skipUntil('}') } else match(/[a-zA-Z0-9_]*/y)
      continue
    }
    if (c === '{') {
      const found = matchers()
      if (found.name !== undefined) selectors.push({ name: found.name, labels: found.labels })
      continue
    }
    if (/[0-9.]/.test(c) && match(NUMBER) !== undefined) continue
    const ident = match(IDENT)
    if (ident === undefined) { i++; continue }
    skipSpace()
    const next = expr[i]
    if (GROUPING.has(ident.toLowerCase()) && next === '(') { i++; skipUntil(')'); continue }
    if (KEYWORDS.has(ident.toLowerCase())) continue
    if (next === '(') continue
    // `sum by (le) (…)`: an aggregation with its grouping written first.
    IDENT.lastIndex = i
    const following = IDENT.exec(expr)?.[0].toLowerCase()
    if (following === 'by' || following === 'without') continue
    if (next === '{') {
      const found = matchers()
      selectors.push({ name: ident, labels: found.labels })
      continue
    }
    selectors.push({ name: ident, labels: [] })
  }
  return selectors
}

/** The distinct metric names an expression reads. */
export function metricNames (expr: string): string[] {
  return [...new Set(metricSelectors(expr).map(selector => selector.name))]
}
