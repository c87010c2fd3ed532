/**
 * The generators' contract (issue 13 §3): a generator reads one source and
 * drafts the seed's context node for it. The draft is richer than a stored
 * context item (definitions, imports, importance); `toItemDraft` maps it onto
 * the record's fields.
 */

/** Which generator made a draft, and which version of it: the queue deduplicates on this. */
export interface GeneratorInfo {
  readonly name: string
  readonly version: string
  /** The model behind an LLM generator. */
  readonly model?: string
}

export interface Definition {
  readonly name: string
  /** function, method, class, interface, type, enum, constant, module, macro, export, heading, key, section… */
  readonly kind: string
  /** 1-based. */
  readonly line: number
  /** Part of the file's public surface (exported, `pub`, capitalised in Go, not `_`-prefixed in Python). */
  readonly exported?: boolean
}

/** A manifest of the repository (package.json, go.mod, Cargo.toml, pyproject.toml), parsed. */
export interface Manifest {
  /** Repo-relative, posix. */
  readonly path: string
  readonly kind: 'npm' | 'go' | 'cargo' | 'python'
  readonly name?: string
  readonly description?: string
  /** Dependency names as the manifest spells them (npm package, Go module path, crate, PyPI project). */
  readonly dependencies: readonly string[]
}

/** A repository's reference graph, ranked (see `buildRepoMap`). */
export interface RepoMap {
  /** Every file the map was built from, most important first. */
  readonly ranked: readonly string[]
  /** Each file's place in `ranked`, from 0. */
  readonly position: ReadonlyMap<string, number>
  /** PageRank per file (sums to 1 over `ranked`). */
  readonly rank: ReadonlyMap<string, number>
  /** Rank scaled to 0..1 (the top file is 1). */
  readonly importance: ReadonlyMap<string, number>
  /** The files that reference something a file defines, strongest first (at most 20 per file). */
  readonly referencedBy: ReadonlyMap<string, readonly string[]>
  readonly manifests: readonly Manifest[]
}

/** What a generator may know about the rest of the repository. */
export interface RepoContext {
  /** The repository's manifests; the nearest one above a file gives its technologies. */
  readonly manifests?: readonly Manifest[]
  /** The reference graph: importance and who references the file. */
  readonly map?: RepoMap
  /** Names of the other entries in the file's directory. */
  readonly siblings?: readonly string[]
}

export interface GeneratorInput {
  /** Repo-relative, posix (`src/record/context-item.ts`). */
  readonly path: string
  readonly bytes: Uint8Array
  readonly repo?: RepoContext
}

/** One entry of a directory's draft. */
export interface DirectoryChild {
  readonly path: string
  readonly summary: string
  readonly language: string
  readonly importance: number
}

/** The seed's context node for one file or directory, as a generator drafts it. */
export interface ContextDraft {
  readonly path: string
  /** One sentence. */
  readonly summary: string
  /** What it is for: a paragraph at most. */
  readonly purpose: string
  readonly definitions: readonly Definition[]
  /** Module specifiers as written (`../errors.ts`, `node:fs`, `github.com/x/y`). */
  readonly imports: readonly string[]
  readonly technologies: readonly string[]
  readonly tags: readonly string[]
  readonly insights: readonly string[]
  /** 0..1: how central the file is in the repository's reference graph. */
  readonly importance: number
  /** typescript, tsx, javascript, python, go, rust, bash, markdown, json, yaml, toml, text, directory. */
  readonly language: string
  readonly generator: GeneratorInfo
  /** Directories only. */
  readonly children?: readonly DirectoryChild[]
  /** What went wrong on the way (a parser failure, an LLM answer that was refused); the draft is still usable. */
  readonly warnings?: readonly string[]
}

export interface GenerateOptions {
  readonly signal?: AbortSignal
}

export interface Generator {
  readonly name: string
  readonly version: string
  generate (input: GeneratorInput, options: GenerateOptions): Promise<ContextDraft>
}
