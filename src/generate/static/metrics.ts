/** What the text alone says about a file, whatever its language: size, shape and open work. */
export interface TextMetrics {
  readonly bytes: number
  readonly lines: number
  readonly blankLines: number
  readonly longestLine: number
  /** Deepest indentation, in indentation steps (the smallest indent the file uses). */
  readonly maxIndent: number
  /** TODO, FIXME, XXX and HACK markers. */
  readonly todos: number
  /** The first few markers, as `line N: text`. */
  readonly todoSamples: readonly string[]
}

const TODO = /\b(TODO|FIXME|XXX|HACK)\b[:(\s]?(.{0,80})/
const MAX_SAMPLES = 3
// Indentation past this many columns says "minified or generated", not "nested".
const MAX_INDENT_COLUMNS = 160

export function measureText (text: string, bytes: number): TextMetrics {
  let lines = 0
  let blankLines = 0
  let longestLine = 0
  let todos = 0
  const todoSamples: string[] = []
  const indents = new Set<number>()
  let start = 0
  while (start <= text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const length = end - start
    if (start < text.length || length > 0) {
      lines++
      if (length > longestLine) longestLine = length
      let indent = 0
      while (indent < length && indent < MAX_INDENT_COLUMNS) {
        const c = text.charCodeAt(start + indent)
        if (c === 32) indent++
        else if (c === 9) indent += 4
        else break
      }
      if (indent >= length || isBlank(text, start + indent, end)) blankLines++
      else {
        indents.add(indent)
        // Only short-ish lines are searched: a 1 MB minified line has no TODO worth reporting.
        if (length < 2000) {
          const marker = TODO.exec(text.slice(start, end))
          if (marker !== null) {
            todos++
            if (todoSamples.length < MAX_SAMPLES) todoSamples.push(`line ${lines}: ${marker[0].trim()}`)
          }
        }
      }
    }
    start = end + 1
  }
  return { bytes, lines, blankLines, longestLine, maxIndent: indentSteps(indents), todos, todoSamples }
}

function isBlank (text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 9 && c !== 13) return false
  }
  return true
}

function indentSteps (indents: ReadonlySet<number>): number {
  const positive = [...indents].filter(n => n > 0)
  if (positive.length === 0) return 0
  const step = Math.max(2, Math.min(...positive))
  return Math.floor(Math.max(...positive) / step)
}
