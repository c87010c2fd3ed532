import type { Node, QueryMatch } from 'web-tree-sitter'
import type { Definition } from '../types.ts'
import { commentRunDoc, docstringOf, isDocRunCandidate } from './comments.ts'
import type { LoadedGrammar } from './grammars.ts'
import type { ParsedLanguage } from './languages.ts'

/** What one parse of a file tells: its definitions, what it refers to, imports, branches and leading documentation. */
export interface SyntaxFacts {
  readonly definitions: readonly Definition[]
  /** Names the file refers to (calls, types, imported names), repeated as often as they occur, up to MAX_REFERENCES. */
  readonly references: readonly string[]
  readonly imports: readonly string[]
  readonly branches: number
  readonly syntaxErrors: boolean
  /** The file's leading doc comment, or the one on its first main definition. */
  readonly doc: string | undefined
}

export const MAX_DEFINITIONS = 500
export const MAX_REFERENCES = 20_000
export const MAX_IMPORTS = 200
const MAX_NAME = 200
const MAX_TOP_LEVEL_SCAN = 200

export interface AnalyzeOptions {
  /** performance.now() after which parsing and querying give up (the file then gets a generic draft). */
  readonly deadline: number
  readonly signal?: AbortSignal
}

/** Parsing or querying stopped at the deadline or on abort. */
export class AnalysisCancelled extends Error {}

/** Parses `text` and runs the language's query. Throws AnalysisCancelled past the deadline; anything else it throws is a parser failure. */
export function analyze (grammar: LoadedGrammar, text: string, options: AnalyzeOptions): SyntaxFacts {
  const stop = (): boolean => options.signal?.aborted === true || performance.now() > options.deadline
  const tree = grammar.parser.parse(text, null, { progressCallback: stop })
  if (tree === null) {
    // A halted parse resumes on the parser's next call unless reset: the next file would continue this one.
    grammar.parser.reset()
    throw new AnalysisCancelled('parse cancelled')
  }
  try {
    const root = tree.rootNode
    const matches = grammar.query.matches(root, { progressCallback: stop })
    if (stop()) throw new AnalysisCancelled('query cancelled')
    const facts = collect(grammar.language, matches)
    return { ...facts, syntaxErrors: root.hasError, doc: leadingDoc(grammar.language, root) }
  } finally {
    // Trees live in the wasm heap, not the JS one: they must be freed by hand.
    tree.delete()
  }
}

interface Collected {
  definitions: Definition[]
  references: string[]
  imports: string[]
  branches: number
}

function collect (language: ParsedLanguage, matches: readonly QueryMatch[]): Collected {
  const definitions = new Map<number, Definition>()
  const references: string[] = []
  const seenReferences = new Set<number>()
  const imports = new Set<string>()
  let branches = 0
  for (const match of matches) {
    let name: Node | undefined
    let role: { kind: 'definition' | 'reference', sub: string, node: Node } | undefined
    for (const capture of match.captures) {
      const label = capture.name
      if (label === 'name') name = capture.node
      else if (label === 'branch') branches++
      else if (label === 'import') {
        if (imports.size < MAX_IMPORTS) imports.add(importText(capture.node.text))
      } else if (label.startsWith('definition.')) role = { kind: 'definition', sub: label.slice(11), node: capture.node }
      else if (label.startsWith('reference.')) role = { kind: 'reference', sub: label.slice(10), node: capture.node }
    }
    if (name === undefined || role === undefined) continue
    const text = name.text
    if (text.length === 0 || text.length > MAX_NAME) continue
    if (role.kind === 'reference') {
      // One name node may match several reference patterns (a call and a type): count it once.
      if (references.length < MAX_REFERENCES && !seenReferences.has(name.startIndex)) {
        seenReferences.add(name.startIndex)
        references.push(text)
      }
      continue
    }
    const held = definitions.get(name.startIndex)
    if (held !== undefined && !weaker(held.kind)) continue
    if (held === undefined && definitions.size >= MAX_DEFINITIONS) continue
    const kind = kindOf(language, role.sub, role.node)
    definitions.set(name.startIndex, { name: text, kind, line: name.startPosition.row + 1, exported: isExported(language, kind, text, role.node) })
  }
  return { definitions: [...definitions.values()].sort((a, b) => a.line - b.line), references, imports: [...imports], branches }
}

/** Kinds that a more specific pattern on the same name replaces (`const f = () => …` is a function, not a constant). */
function weaker (kind: string): boolean {
  return kind === 'constant' || kind === 'variable' || kind === 'export'
}

function importText (text: string): string {
  const flat = text.replace(/\s+/g, '')
  return (flat.length > 1 && /^["'`].*["'`]$/.test(flat) ? flat.slice(1, -1) : flat).slice(0, MAX_NAME)
}

function kindOf (language: ParsedLanguage, kind: string, node: Node): string {
  if (language === 'python' && kind === 'function' && node.parent?.type === 'block' && node.parent.parent?.type === 'class_definition') return 'method'
  return kind
}

function isExported (language: ParsedLanguage, kind: string, name: string, node: Node): boolean {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript': {
      if (kind === 'export') return true
      let at: Node | null = node
      for (let depth = 0; depth < 3 && at !== null; depth++, at = at.parent) {
        if (at.type === 'export_statement') return true
      }
      return false
    }
    case 'python': {
      let parent = node.parent
      if (parent?.type === 'decorated_definition' || parent?.type === 'expression_statement') parent = parent.parent
      return parent?.type === 'module' && !name.startsWith('_')
    }
    case 'go':
      return kind !== 'package' && /^\p{Lu}/u.test(name)
    case 'rust':
      return node.child(0)?.type === 'visibility_modifier'
    case 'bash':
      return kind === 'function'
  }
}

/** The file's first meaningful comment block among its top-level statements (or Python's module docstring). */
function leadingDoc (language: ParsedLanguage, root: Node): string | undefined {
  if (language === 'python') {
    const doc = docstringOf(root.namedChild(0))
    if (doc !== undefined) return doc
  }
  const count = Math.min(root.namedChildCount, MAX_TOP_LEVEL_SCAN)
  let run: Node[] = []
  for (let i = 0; i < count; i++) {
    const child = root.namedChild(i)
    if (child === null) break
    if (child.type === 'comment' || child.type === 'line_comment' || child.type === 'block_comment') {
      const previous = run.at(-1)
      // A blank line ends a comment block: a licence header is not the doc of what follows it.
      if (previous !== undefined && child.startPosition.row > previous.endPosition.row + 1) run = []
      run.push(child)
      continue
    }
    if (run.length > 0 && isDocRunCandidate(run, child)) {
      const doc = commentRunDoc(run)
      if (doc !== undefined) return doc
    }
    run = []
  }
  return run.length > 0 ? commentRunDoc(run) : undefined
}
