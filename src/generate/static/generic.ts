import type { Definition } from '../types.ts'
import { cleanDoc } from './comments.ts'
import { MAX_DEFINITIONS, MAX_IMPORTS } from './syntax.ts'
import type { SyntaxFacts } from './syntax.ts'

const MAX_NAME = 200
// Line-based scanning stops here: past it a document's outline says no more.
const MAX_SCAN_LINES = 20_000

/**
 * What a file tree-sitter does not parse here still shows: a markdown
 * outline and its links, the keys of JSON, YAML and TOML, make targets,
 * Dockerfile base images, and a leading comment or paragraph as its doc.
 */
export function genericFacts (language: string, text: string): SyntaxFacts {
  switch (language) {
    case 'markdown': return markdown(text)
    case 'json': return json(text)
    case 'yaml': return keyed(text, /^([A-Za-z0-9_$"'.-][^:#]*?):(?:\s|$)/, 'key')
    case 'toml': return toml(text)
    case 'makefile': return keyed(text, /^([A-Za-z0-9_./-]+)\s*:(?!=)/, 'target')
    case 'dockerfile': return dockerfile(text)
    default: return facts([], [], leadingHashComment(text) ?? firstParagraph(lines(text)))
  }
}

function facts (definitions: Definition[], imports: string[], doc: string | undefined, syntaxErrors = false): SyntaxFacts {
  return { definitions: definitions.slice(0, MAX_DEFINITIONS), references: [], imports: [...new Set(imports)].slice(0, MAX_IMPORTS), branches: 0, syntaxErrors, doc }
}

function lines (text: string): string[] {
  const all = text.split('\n', MAX_SCAN_LINES)
  return all.map(line => (line.length > 4000 ? line.slice(0, 4000) : line))
}

function markdown (text: string): SyntaxFacts {
  const definitions: Definition[] = []
  const imports: string[] = []
  const body: string[] = []
  let fence: string | undefined
  let doc: string | undefined
  for (const [i, line] of lines(text).entries()) {
    const fenceMark = /^\s*(```|~~~)/.exec(line)?.[1]
    if (fenceMark !== undefined) {
      fence = fence === undefined ? fenceMark : (fence === fenceMark ? undefined : fence)
      continue
    }
    if (fence !== undefined) continue
    const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line)
    if (heading?.[2] !== undefined) {
      if (definitions.length < MAX_DEFINITIONS) definitions.push({ name: heading[2].slice(0, MAX_NAME), kind: 'heading', line: i + 1 })
      continue
    }
    for (const link of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = link[1] ?? ''
      if (!/^([a-z]+:|#)/i.test(target) && imports.length < MAX_IMPORTS) imports.push(target.replace(/#.*$/, ''))
    }
    if (doc === undefined) {
      // The first paragraph of prose: not a badge, an image, HTML or a table.
      if (line.trim() === '' || /^\s*(<|!\[|\||>|\[!\[)/.test(line)) {
        if (body.length > 0) doc = cleanDoc(plainMarkdown(body.join('\n')))
        if (doc === undefined) body.length = 0
      } else body.push(line)
    }
  }
  doc ??= body.length > 0 ? cleanDoc(plainMarkdown(body.join('\n'))) : undefined
  return facts(definitions, imports, doc)
}

/** Inline markdown as the reader sees it: links and images by their text, no emphasis or code marks. */
function plainMarkdown (text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/`([^`]+)`/g, '$1')
}

function json (text: string): SyntaxFacts {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return facts([], [], undefined, !/^\s*\/\//.test(text))
  }
  if (typeof value !== 'object' || value === null) return facts([], [], undefined)
  if (Array.isArray(value)) return facts([], [], `A JSON array of ${value.length} entries.`)
  const doc = (value as Record<string, unknown>).description
  const keys = Object.keys(value)
  // A key's line is found by a search, as JSON.parse keeps none: good enough for an outline.
  const definitions = keys.slice(0, MAX_DEFINITIONS).map(key => ({ name: key.slice(0, MAX_NAME), kind: 'key', line: lineOf(text, JSON.stringify(key)) }))
  return facts(definitions, [], typeof doc === 'string' ? cleanDoc(doc) : undefined)
}

function toml (text: string): SyntaxFacts {
  const definitions: Definition[] = []
  let inSection = false
  for (const [i, line] of lines(text).entries()) {
    const section = /^\s*\[\[?([^\]]+)\]\]?\s*$/.exec(line)
    if (section?.[1] !== undefined) {
      inSection = true
      definitions.push({ name: section[1].trim().slice(0, MAX_NAME), kind: 'section', line: i + 1 })
    } else if (!inSection) {
      const key = /^([A-Za-z0-9_.-]+)\s*=/.exec(line)
      if (key?.[1] !== undefined) definitions.push({ name: key[1], kind: 'key', line: i + 1 })
    }
    if (definitions.length >= MAX_DEFINITIONS) break
  }
  return facts(definitions, [], leadingHashComment(text))
}

function keyed (text: string, pattern: RegExp, kind: string): SyntaxFacts {
  const definitions: Definition[] = []
  for (const [i, line] of lines(text).entries()) {
    const key = pattern.exec(line)?.[1]
    if (key !== undefined) definitions.push({ name: key.replace(/^["']|["']$/g, '').slice(0, MAX_NAME), kind, line: i + 1 })
    if (definitions.length >= MAX_DEFINITIONS) break
  }
  return facts(definitions, [], leadingHashComment(text))
}

function dockerfile (text: string): SyntaxFacts {
  const imports: string[] = []
  const definitions: Definition[] = []
  for (const [i, line] of lines(text).entries()) {
    const from = /^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line)
    if (from?.[1] !== undefined) imports.push(from[1])
    if (from?.[2] !== undefined) definitions.push({ name: from[2], kind: 'stage', line: i + 1 })
  }
  return facts(definitions, imports, leadingHashComment(text))
}

function leadingHashComment (text: string): string | undefined {
  const comment: string[] = []
  for (const line of lines(text.slice(0, 8192))) {
    if (line.startsWith('#!')) continue
    const match = /^\s*#\s?(.*)$/.exec(line)
    if (match === null) break
    comment.push(match[1] ?? '')
  }
  return comment.length === 0 ? undefined : cleanDoc(comment.join('\n'))
}

function firstParagraph (all: readonly string[]): string | undefined {
  const paragraph: string[] = []
  for (const line of all) {
    if (line.trim() === '') {
      if (paragraph.length > 0) break
      continue
    }
    paragraph.push(line)
    if (paragraph.length >= 10) break
  }
  return paragraph.length === 0 ? undefined : cleanDoc(paragraph.join('\n'))
}

function lineOf (text: string, needle: string): number {
  const at = text.indexOf(needle)
  if (at === -1) return 1
  let line = 1
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) line++
  return line
}
