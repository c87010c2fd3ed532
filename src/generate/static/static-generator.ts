import { checkSource } from '../check-source.ts'
import type { ContextDraft, GenerateOptions, Generator, GeneratorInput, Manifest, RepoContext } from '../types.ts'
import { composeDraft } from './compose.ts'
import { extractFacts } from './extract.ts'
import { tagsOf } from './labels.ts'
import { languageOf } from './languages.ts'
import { isManifestPath, nearestManifest, parseManifest } from './manifests.ts'
import { measureText } from './metrics.ts'
import { technologiesOf } from './technologies.ts'

export const STATIC_GENERATOR_NAME = 'static'
/** Bump when drafts change for the same input: the queue generates an address again only for a new version. */
export const STATIC_GENERATOR_VERSION = '1.0.0'

export interface StaticGeneratorOptions {
  /** Larger sources are refused with SourceTooLargeError. Default 1 MiB. */
  readonly maxBytes?: number
  /** Per-file parse and query budget; past it the file gets a generic draft. Default 2000 ms. */
  readonly timeBudgetMs?: number
}

/**
 * The default generator: no network, tree-sitter for TypeScript/TSX,
 * JavaScript, Python, Go, Rust and Bash, line scanners for everything else.
 * It rejects only binary or oversized sources (named errors) and aborts.
 */
export function createStaticGenerator (options: StaticGeneratorOptions = {}): Generator {
  return {
    name: STATIC_GENERATOR_NAME,
    version: STATIC_GENERATOR_VERSION,
    generate: (input, { signal }) => generateStatic(input, { ...options, ...(signal === undefined ? {} : { signal }) })
  }
}

async function generateStatic (input: GeneratorInput, options: StaticGeneratorOptions & GenerateOptions): Promise<ContextDraft> {
  options.signal?.throwIfAborted()
  const path = normalizePath(input.path)
  const text = checkSource(path, input.bytes, options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes })
  const language = languageOf(path, text)
  const extracted = await extractFacts(language, text, options)
  const { facts } = extracted
  const metrics = measureText(text, input.bytes.length)
  const manifest = manifestFor(path, language, text, input.repo)
  const technologies = path === manifest?.path
    ? [...new Set([...technologiesOf(language, facts.imports, facts.references, undefined), ...manifest.dependencies])].slice(0, 32)
    : technologiesOf(language, facts.imports, facts.references, manifest)
  const tags = tagsOf({ path, language, text, imports: facts.imports, todos: metrics.todos, syntaxErrors: facts.syntaxErrors })
  if (input.repo?.siblings !== undefined && input.repo.siblings.length > 0 && tags.includes('entry-point')) tags.push('module-root')
  return composeDraft({
    path,
    language,
    parsed: extracted.parsed,
    facts,
    metrics,
    technologies,
    tags,
    manifest,
    repo: input.repo,
    generator: { name: STATIC_GENERATOR_NAME, version: STATIC_GENERATOR_VERSION },
    warnings: extracted.warnings
  })
}

/** The manifest that governs the file: its own if it is one, else the nearest of its ecosystem above it. */
function manifestFor (path: string, language: string, text: string, repo: RepoContext | undefined): Manifest | undefined {
  if (isManifestPath(path)) return parseManifest(path, text)
  const kind = ECOSYSTEM[language]
  if (kind === undefined || repo?.manifests === undefined) return undefined
  return nearestManifest(path, repo.manifests.filter(m => m.kind === kind))
}

const ECOSYSTEM: Readonly<Record<string, Manifest['kind']>> = {
  typescript: 'npm',
  tsx: 'npm',
  javascript: 'npm',
  python: 'python',
  go: 'go',
  rust: 'cargo'
}

/** Repo-relative and posix, whatever the caller passed (`./a\\b.ts` → `a/b.ts`). */
export function normalizePath (path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/|\/)+/, '').replace(/\/{2,}/g, '/') || '.'
}
