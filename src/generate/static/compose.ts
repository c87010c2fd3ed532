import type { ContextDraft, Definition, GeneratorInfo, Manifest, RepoContext } from '../types.ts'
import { firstParagraph, firstSentence } from './comments.ts'
import { languageLabel } from './languages.ts'
import type { TextMetrics } from './metrics.ts'
import type { SyntaxFacts } from './syntax.ts'

const MAX_DRAFT_DEFINITIONS = 200
const MAX_DRAFT_IMPORTS = 100

export interface ComposeInput {
  readonly path: string
  readonly language: string
  readonly parsed: boolean
  readonly facts: SyntaxFacts
  readonly metrics: TextMetrics
  readonly technologies: readonly string[]
  readonly tags: readonly string[]
  readonly manifest: Manifest | undefined
  readonly repo: RepoContext | undefined
  readonly generator: GeneratorInfo
  readonly warnings: readonly string[]
}

/** Turns what was extracted from one file into its context draft: the sentences a reader sees first. */
export function composeDraft (input: ComposeInput): ContextDraft {
  const { facts } = input
  const exported = facts.definitions.filter(d => d.exported === true)
  const summary = summaryOf(input, exported)
  return {
    path: input.path,
    summary,
    purpose: purposeOf(input, exported, summary),
    definitions: facts.definitions.slice(0, MAX_DRAFT_DEFINITIONS),
    imports: facts.imports.slice(0, MAX_DRAFT_IMPORTS),
    technologies: input.technologies,
    tags: input.tags,
    insights: insightsOf(input, exported),
    importance: importanceOf(input),
    language: input.language,
    generator: input.generator,
    ...(input.warnings.length === 0 ? {} : { warnings: input.warnings })
  }
}

function summaryOf (input: ComposeInput, exported: readonly Definition[]): string {
  const label = languageLabel(input.language)
  const name = basename(input.path)
  const ownManifest = input.manifest?.path === input.path ? input.manifest : undefined
  if (ownManifest !== undefined) {
    const what = `${manifestLabel(ownManifest.kind)} ${ownManifest.name ?? name}`
    return ownManifest.description === undefined ? `${what} with ${ownManifest.dependencies.length} dependencies.` : `${what}: ${firstSentence(ownManifest.description, 200)}`
  }
  if (input.facts.doc !== undefined) return firstSentence(input.facts.doc)
  const headings = input.facts.definitions.filter(d => d.kind === 'heading')
  if (headings[0] !== undefined) return `${label} document “${headings[0].name}”${headings.length > 1 ? ` in ${headings.length} sections` : ''}.`
  const isTest = input.tags.includes('test')
  if (isTest) return `${label} tests for ${subjectOf(name)}${input.facts.definitions.length > 0 ? ` (${list(input.facts.definitions.map(d => d.name), 3)})` : ''}.`
  if (exported.length > 0) return `${label} module exporting ${list(exported.map(d => d.name), 4)}.`
  const main = input.facts.definitions.filter(d => d.kind !== 'package')
  if (main.length > 0) return `${label} file defining ${list(main.map(d => d.name), 4)}.`
  return `${label} file ${name} (${input.metrics.lines} lines).`
}

function purposeOf (input: ComposeInput, exported: readonly Definition[], summary: string): string {
  const parts: string[] = []
  const ownManifest = input.manifest?.path === input.path ? input.manifest : undefined
  if (ownManifest !== undefined) {
    const deps = ownManifest.dependencies
    const declares = deps.length === 0 ? 'Declares no dependencies.' : `Declares ${count(deps.length, 'dependency')}: ${list(deps, 8)}.`
    return ownManifest.description === undefined ? declares : `${firstParagraph(ownManifest.description)} ${declares}`
  }
  if (input.facts.doc !== undefined) {
    // Two paragraphs: a doc's second one usually says how the thing is used.
    const paragraph = firstParagraph(input.facts.doc, 1000, 2)
    // A doc longer than its first sentence says what the file is for; a one-liner is the summary already.
    if (paragraph.length > summary.length + 20) return paragraph
    parts.push(/[.!?…:]$/.test(paragraph) ? paragraph : `${paragraph}.`)
  }
  const counts = kindCounts(input.facts.definitions)
  if (counts !== '') parts.push(`Defines ${counts}.`)
  if (exported.length > 0) parts.push(`Its public surface is ${list(exported.map(d => `${d.name} (${d.kind})`), 6)}.`)
  const local = input.facts.imports.filter(spec => spec.startsWith('.')).length
  if (input.facts.imports.length > 0) parts.push(`It imports ${count(input.facts.imports.length, 'module')} (${local} from this repository).`)
  const users = input.repo?.map?.referencedBy.get(input.path)?.length ?? 0
  if (users > 0) parts.push(`${count(users, 'file')} of the repository use what it defines.`)
  if (parts.length <= (input.facts.doc === undefined ? 0 : 1)) parts.push(`${capitalise(languageLabel(input.language))} file of ${count(input.metrics.lines, 'line')} in ${dirname(input.path) || 'the repository root'}.`)
  return parts.join(' ')
}

function insightsOf (input: ComposeInput, exported: readonly Definition[]): string[] {
  const { metrics, facts } = input
  const out: string[] = [`${count(metrics.lines, 'line')} (${metrics.lines - metrics.blankLines} non-blank), ${sizeOf(metrics.bytes)}.`]
  const counts = kindCounts(facts.definitions)
  if (counts !== '') out.push(`${count(facts.definitions.length, 'definition')}: ${counts}.`)
  if (exported.length > 0) out.push(`Public surface: ${exported.length} exported (${list(exported.map(d => d.name), 8)}).`)
  if (facts.imports.length > 0) out.push(`Imports ${count(facts.imports.length, 'module')}: ${list(facts.imports, 6)}.`)
  if (input.parsed) out.push(`Complexity: ${count(facts.branches, 'branch')}, indentation up to ${count(metrics.maxIndent, 'level')}.`)
  if (metrics.todos > 0) out.push(`${count(metrics.todos, 'TODO/FIXME marker')} (${metrics.todoSamples.join('; ')}).`)
  if (metrics.longestLine > 300) out.push(`Longest line is ${metrics.longestLine} characters: minified or generated content?`)
  if (facts.syntaxErrors) out.push('The parser found syntax errors: the file may be incomplete or use syntax its grammar does not know.')
  const map = input.repo?.map
  const users = map?.referencedBy.get(input.path)
  if (users !== undefined && users.length > 0) out.push(`Referenced by ${users.length >= 20 ? 'at least ' : ''}${count(users.length, 'file')}, most strongly ${list(users, 3)}.`)
  if (map !== undefined) {
    const position = map.position.get(input.path)
    if (position !== undefined) out.push(`Ranked ${position + 1} of ${map.ranked.length} files in the repository's reference graph.`)
  }
  return out
}

function importanceOf (input: ComposeInput): number {
  const fromMap = input.repo?.map?.importance.get(input.path)
  if (fromMap !== undefined) return fromMap
  // Without a repository map, a guess from the file's role.
  const tags = input.tags
  if (tags.includes('test') || tags.includes('fixture') || tags.includes('benchmark') || tags.includes('example')) return 0.2
  if (tags.includes('entry-point') || tags.includes('manifest')) return 0.6
  if (tags.includes('docs')) return 0.4
  return 0.5
}

function kindCounts (definitions: readonly Definition[]): string {
  const counts = new Map<string, number>()
  for (const d of definitions) counts.set(d.kind, (counts.get(d.kind) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([kind, n]) => `${n} ${plural(kind, n)}`).join(', ')
}

function plural (noun: string, n: number): string {
  if (n === 1) return noun
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`
  return `${noun}s`
}

/** `1 line`, `2 lines`, `3 dependencies`. */
export function count (n: number, noun: string): string {
  return `${n} ${plural(noun, n)}`
}

function capitalise (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** `a, b and c`, or `a, b, c and 4 more`. */
export function list (items: readonly string[], max: number): string {
  const unique = [...new Set(items)]
  if (unique.length <= max) return unique.length <= 1 ? (unique[0] ?? '') : `${unique.slice(0, -1).join(', ')} and ${unique.at(-1) ?? ''}`
  return `${unique.slice(0, max).join(', ')} and ${unique.length - max} more`
}

function sizeOf (bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KiB`
}

function manifestLabel (kind: Manifest['kind']): string {
  return { npm: 'npm package', go: 'Go module', cargo: 'Rust crate', python: 'Python project' }[kind]
}

function subjectOf (name: string): string {
  return name.replace(/\.(node|browser)?\.?(test|spec)\.[^.]+$|_test\.[^.]+$|\.[^.]+$/, '').replace(/^test_/, '')
}

export function basename (path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

export function dirname (path: string): string {
  const slash = path.lastIndexOf('/')
  return slash === -1 ? '' : path.slice(0, slash)
}
