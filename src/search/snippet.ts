/** A piece of a snippet: text, and whether it is a match to highlight. */
export interface SnippetPart {
  readonly text: string
  readonly match: boolean
}

export interface Snippet {
  /** The field the snippet comes from (summary, body, tags, …). */
  readonly field: string
  readonly parts: readonly SnippetPart[]
}

/**
 * A window of `text` around the first of `terms` it contains (case-
 * insensitive), every occurrence of a term marked. Parts, not markup: the
 * caller renders them (the web app as <mark>, never as HTML it was given).
 */
export function snippetOf (field: string, text: string, terms: readonly string[], width = 160): Snippet | undefined {
  const lower = text.toLowerCase()
  const wanted = [...new Set(terms.map(term => term.toLowerCase()).filter(term => term !== ''))].sort((a, b) => b.length - a.length)
  let first = -1
  for (const term of wanted) {
    const at = lower.indexOf(term)
    if (at !== -1 && (first === -1 || at < first)) first = at
  }
  if (first === -1) return undefined
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), text.length - width))
  const end = Math.min(text.length, start + width)
  const window = text.slice(start, end)
  const windowLower = lower.slice(start, end)
  const parts: SnippetPart[] = []
  let at = 0
  while (at < window.length) {
    let next = -1
    let length = 0
    for (const term of wanted) {
      const found = windowLower.indexOf(term, at)
      if (found !== -1 && (next === -1 || found < next || (found === next && term.length > length))) {
        next = found
        length = term.length
      }
    }
    if (next === -1) {
      parts.push({ text: window.slice(at), match: false })
      break
    }
    if (next > at) parts.push({ text: window.slice(at, next), match: false })
    parts.push({ text: window.slice(next, next + length), match: true })
    at = next + length
  }
  if (start > 0) parts.unshift({ text: '…', match: false })
  if (end < text.length) parts.push({ text: '…', match: false })
  return { field, parts }
}
