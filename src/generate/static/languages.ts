/**
 * Which language a path is in, and for the languages tree-sitter parses here,
 * where their grammar (.wasm) and tags query (queries/tags.scm) live in
 * node_modules.
 */

export const PARSED_LANGUAGES = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'bash'] as const
export type ParsedLanguage = typeof PARSED_LANGUAGES[number]

/** A file in a package: `from` is the package whose node_modules to resolve `spec` from (a grammar's own copy of another). */
export interface PackageFile {
  readonly spec: string
  readonly from?: string
}

export interface GrammarSpec {
  readonly label: string
  readonly wasm: PackageFile
  /** The package's tags queries; empty when the package ships none (ours in queries.ts then stand alone). */
  readonly tags: readonly PackageFile[]
}

// tree-sitter-typescript's tags.scm covers only what TypeScript adds; its
// tree-sitter.json pairs it with the tags.scm of the tree-sitter-javascript it
// depends on (0.23, which npm nests under it), so we resolve that one from there.
const TS_TAGS: readonly PackageFile[] = [
  { spec: 'tree-sitter-typescript/queries/tags.scm' },
  { spec: 'tree-sitter-javascript/queries/tags.scm', from: 'tree-sitter-typescript' }
]

export const GRAMMARS: Readonly<Record<ParsedLanguage, GrammarSpec>> = {
  typescript: { label: 'TypeScript', wasm: { spec: 'tree-sitter-typescript/tree-sitter-typescript.wasm' }, tags: TS_TAGS },
  tsx: { label: 'TypeScript (TSX)', wasm: { spec: 'tree-sitter-typescript/tree-sitter-tsx.wasm' }, tags: TS_TAGS },
  javascript: { label: 'JavaScript', wasm: { spec: 'tree-sitter-javascript/tree-sitter-javascript.wasm' }, tags: [{ spec: 'tree-sitter-javascript/queries/tags.scm' }] },
  python: { label: 'Python', wasm: { spec: 'tree-sitter-python/tree-sitter-python.wasm' }, tags: [{ spec: 'tree-sitter-python/queries/tags.scm' }] },
  go: { label: 'Go', wasm: { spec: 'tree-sitter-go/tree-sitter-go.wasm' }, tags: [{ spec: 'tree-sitter-go/queries/tags.scm' }] },
  rust: { label: 'Rust', wasm: { spec: 'tree-sitter-rust/tree-sitter-rust.wasm' }, tags: [{ spec: 'tree-sitter-rust/queries/tags.scm' }] },
  // tree-sitter-bash ships highlights.scm only: its definitions come from queries.ts.
  bash: { label: 'Bash', wasm: { spec: 'tree-sitter-bash/tree-sitter-bash.wasm' }, tags: [] }
}

const BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  sh: 'bash',
  bash: 'bash',
  md: 'markdown',
  markdown: 'markdown',
  json: 'json',
  jsonc: 'json',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  html: 'html',
  css: 'css'
}

const BY_NAME: Readonly<Record<string, string>> = {
  'go.mod': 'gomod',
  Dockerfile: 'dockerfile',
  Makefile: 'makefile'
}

const LABELS: Readonly<Record<string, string>> = {
  markdown: 'Markdown',
  json: 'JSON',
  yaml: 'YAML',
  toml: 'TOML',
  html: 'HTML',
  css: 'CSS',
  gomod: 'Go module',
  dockerfile: 'Dockerfile',
  makefile: 'Makefile',
  text: 'text'
}

export function isParsed (language: string): language is ParsedLanguage {
  return Object.hasOwn(GRAMMARS, language)
}

export function languageLabel (language: string): string {
  return isParsed(language) ? GRAMMARS[language].label : (LABELS[language] ?? language)
}

/** By extension, then file name, then the shebang line (`#!/usr/bin/env bash`). */
export function languageOf (path: string, text: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const dot = name.lastIndexOf('.')
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : ''
  if (Object.hasOwn(BY_EXTENSION, extension)) return BY_EXTENSION[extension] as string
  if (Object.hasOwn(BY_NAME, name)) return BY_NAME[name] as string
  if (text.startsWith('#!')) {
    const line = text.slice(0, Math.min(text.length, 200)).split('\n', 1)[0] ?? ''
    if (/\b(ba|z|da|k)?sh\b/.test(line)) return 'bash'
    if (/\bpython[0-9.]*\b/.test(line)) return 'python'
    if (/\b(node|bun|deno)\b/.test(line)) return 'javascript'
  }
  return 'text'
}
