import { BinarySourceError, SourceTooLargeError } from '../../errors.ts'
import { checkSource } from '../check-source.ts'
import type { Manifest, RepoMap } from '../types.ts'
import { extractFacts } from './extract.ts'
import { isParsed, languageOf } from './languages.ts'
import { parseManifest } from './manifests.ts'
import { pageRank } from './pagerank.ts'
import { referenceEdges } from './repo-graph.ts'
import type { GraphFile } from './repo-graph.ts'
import { resolveImport } from './resolve-import.ts'
import { normalizePath } from './static-generator.ts'

export interface RepoFile {
  /** Repo-relative, posix. */
  readonly path: string
  readonly bytes: Uint8Array
}

export interface RepoMapOptions {
  readonly signal?: AbortSignal
  /** Files over this are left out of the graph (they keep rank). Default 1 MiB. */
  readonly maxBytes?: number
  readonly timeBudgetMs?: number
}

const MAX_REFERENCED_BY = 20
/** Definitions that are not code a reference can point to. */
const NOT_REFERABLE = new Set(['export', 'package', 'heading', 'key', 'section', 'target', 'stage'])
/** Languages whose relative imports resolveImport follows. */
const RESOLVED = new Set(['typescript', 'tsx', 'javascript', 'python'])

/**
 * Ranks a repository's files by how much the rest of it depends on them, the
 * way aider's repo map does: each file's definitions and references come from
 * its tags query, a file that references a name points at the files defining
 * it (see referenceEdges for the weights and where we differ), and PageRank
 * over that graph ranks the files. Unlike aider we rank files, not
 * definitions. Files that are binary, too large or not code are nodes without
 * edges of their own.
 */
export async function buildRepoMap (files: Iterable<RepoFile>, options: RepoMapOptions = {}): Promise<RepoMap> {
  const byPath = new Map<string, Uint8Array>()
  for (const file of files) byPath.set(normalizePath(file.path), file.bytes)
  const paths = [...byPath.keys()].sort()
  const indexOf = new Map(paths.map((path, i) => [path, i]))
  const exists = (path: string): boolean => indexOf.has(path)
  const manifests: Manifest[] = []
  const graph: GraphFile[] = []
  for (const path of paths) {
    options.signal?.throwIfAborted()
    graph.push(await graphFile(path, byPath.get(path) as Uint8Array, options, manifests, (specifier, language) => {
      const target = resolveImport(path, language, specifier, exists)
      return target === undefined ? undefined : indexOf.get(target)
    }))
  }
  return rankFiles(paths, referenceEdges(graph), manifests)
}

const EMPTY: GraphFile = { defines: new Map(), references: new Map(), imports: new Set(), resolvesImports: false }

async function graphFile (path: string, bytes: Uint8Array, options: RepoMapOptions, manifests: Manifest[],
  resolve: (specifier: string, language: string) => number | undefined): Promise<GraphFile> {
  const text = readable(path, bytes, options.maxBytes)
  if (text === undefined) return EMPTY
  const manifest = parseManifest(path, text)
  if (manifest !== undefined) manifests.push(manifest)
  const language = languageOf(path, text)
  if (!isParsed(language)) return EMPTY
  const { facts } = await extractFacts(language, text, options)
  const imports = new Set<number>()
  for (const specifier of facts.imports) {
    const target = resolve(specifier, language)
    if (target !== undefined) imports.add(target)
  }
  const defines = new Map<string, 'public' | 'method'>()
  for (const definition of facts.definitions) {
    if (NOT_REFERABLE.has(definition.kind)) continue
    // What a file keeps to itself (not exported, not `pub`, lower-case in Go) no other file can name.
    if (definition.exported === true) defines.set(definition.name, 'public')
    else if (definition.kind === 'method' && !defines.has(definition.name)) defines.set(definition.name, 'method')
  }
  const references = new Map<string, number>()
  for (const name of facts.references) references.set(name, (references.get(name) ?? 0) + 1)
  return { defines, references, imports, resolvesImports: RESOLVED.has(language) }
}

function rankFiles (paths: readonly string[], edges: ReadonlyMap<number, ReadonlyMap<number, number>>, manifests: readonly Manifest[]): RepoMap {
  const ranks = pageRank(paths.length, edges)
  const order = paths.map((_, i) => i).sort((a, b) => (ranks[b] as number) - (ranks[a] as number) || (a - b))
  const ranked = order.map(i => paths[i] as string)
  let min = Infinity
  let max = -Infinity
  for (const r of ranks) {
    if (r < min) min = r
    if (r > max) max = r
  }
  const spread = max - min
  const rank = new Map<string, number>()
  const importance = new Map<string, number>()
  for (const [i, path] of paths.entries()) {
    const r = ranks[i] as number
    rank.set(path, r)
    // √ spreads the long tail: most files have a rank near the minimum.
    importance.set(path, spread > 1e-12 ? round(Math.sqrt((r - min) / spread)) : 0.5)
  }
  const incoming = new Map<number, Array<[number, number]>>()
  for (const [source, out] of edges) {
    for (const [target, weight] of out) {
      let list = incoming.get(target)
      if (list === undefined) incoming.set(target, list = [])
      list.push([source, weight])
    }
  }
  const referencedBy = new Map<string, readonly string[]>()
  for (const [target, list] of incoming) {
    list.sort((a, b) => b[1] - a[1] || a[0] - b[0])
    referencedBy.set(paths[target] as string, list.slice(0, MAX_REFERENCED_BY).map(([source]) => paths[source] as string))
  }
  return { ranked, position: new Map(ranked.map((path, i) => [path, i])), rank, importance, referencedBy, manifests }
}

function readable (path: string, bytes: Uint8Array, maxBytes: number | undefined): string | undefined {
  try {
    return checkSource(path, bytes, maxBytes === undefined ? {} : { maxBytes })
  } catch (error) {
    if (error instanceof BinarySourceError || error instanceof SourceTooLargeError) return undefined
    throw error
  }
}

function round (value: number): number {
  return Math.round(value * 1000) / 1000
}
