import type { Node } from 'web-tree-sitter'

const MAX_DOC = 2000

/** Comments that are instructions to tools or legal text, not a description of the code. */
const NOT_DOC = /^(eslint|prettier|@ts-|ts-|istanbul|c8 |jshint|global |-\*-|noqa|type:|pylint|nolint|go:|\+build|shellcheck|copyright|spdx-license|license|\(c\))/i
const LICENCE = /\b(copyright|spdx-license-identifier|licensed under|all rights reserved)\b/i

/**
 * A comment block counts as the documentation of the statement after it when
 * nothing but at most one blank line separates them; a block at the very top
 * of a file documents the file whatever follows.
 */
export function isDocRunCandidate (run: readonly Node[], next: Node): boolean {
  const last = run[run.length - 1]
  const first = run[0]
  if (last === undefined || first === undefined) return false
  return first.startPosition.row <= 2 || next.startPosition.row <= last.endPosition.row + 2
}

/** The text of a comment block, without comment markers or JSDoc tags; undefined when it is not documentation. */
export function commentRunDoc (run: readonly Node[]): string | undefined {
  return cleanDoc(run.filter(node => !node.text.startsWith('#!')).map(node => stripMarkers(node.text)).join('\n'))
}

/** A Python docstring: the string that is a module's (or a definition's) first statement. */
export function docstringOf (node: Node | null): string | undefined {
  if (node?.type !== 'expression_statement') return undefined
  const string = node.namedChild(0)
  if (string?.type !== 'string') return undefined
  const body = string.text.replace(/^[rRbBuUfF]*("""|'''|"|')/, '').replace(/("""|'''|"|')$/, '')
  return cleanDoc(dedent(body))
}

function stripMarkers (text: string): string {
  if (text.startsWith('/*')) {
    return text.replace(/^\/\*+!?/, '').replace(/\*+\/$/, '').split('\n').map(line => line.replace(/^\s*\*( ?)/, '')).join('\n')
  }
  return text.split('\n').map(line => line.replace(/^\s*(\/\/[/!]?|#!?|--)\s?/, '')).join('\n')
}

function dedent (text: string): string {
  const lines = text.split('\n')
  const indents = lines.slice(1).filter(line => line.trim() !== '').map(line => /^\s*/.exec(line)?.[0].length ?? 0)
  const cut = indents.length === 0 ? 0 : Math.min(...indents)
  return lines.map((line, i) => (i === 0 ? line : line.slice(cut))).join('\n')
}

/** Drops tags (`@param …`) and lint directives, keeps prose; undefined when nothing descriptive is left. */
export function cleanDoc (text: string): string | undefined {
  const kept: string[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd()
    // JSDoc, docstring and godoc tags start the reference part: the prose is above them.
    if (/^\s*@\w/.test(line) || /^\s*:(param|returns?|raises)\b/.test(line)) break
    kept.push(line)
  }
  const doc = kept.join('\n').trim()
  if (doc.length < 8 || NOT_DOC.test(doc) || LICENCE.test(doc.slice(0, 300))) return undefined
  if (!/[\p{L}]{2,}\s+[\p{L}]{2,}/u.test(doc)) return undefined
  return doc.length > MAX_DOC ? doc.slice(0, MAX_DOC) : doc
}

/** The first sentence of a doc (up to the first full stop followed by a space, or the first blank line). */
export function firstSentence (doc: string, max = 240): string {
  const paragraph = doc.split(/\n\s*\n/, 1)[0] ?? doc
  const flat = paragraph.replace(/\s+/g, ' ').trim()
  const end = /[.!?](\s|$)/.exec(flat)
  const sentence = end === null ? flat : flat.slice(0, end.index + 1)
  return sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence
}

/** The first `paragraphs` paragraphs, flattened into one. */
export function firstParagraph (doc: string, max = 1000, paragraphs = 1): string {
  const flat = doc.split(/\n\s*\n/).slice(0, paragraphs).join(' ').replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat
}
