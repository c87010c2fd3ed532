import { Language, Parser, Query } from 'web-tree-sitter'
import { EXTRA_QUERIES } from './queries.ts'
import { GRAMMARS } from './languages.ts'
import type { ParsedLanguage } from './languages.ts'
import { readPackageFile } from './package-files.node.ts'

/** A language ready to parse: one parser and one compiled query (the package's tags.scm plus ours). */
export interface LoadedGrammar {
  readonly language: ParsedLanguage
  readonly parser: Parser
  readonly query: Query
}

let runtime: Promise<void> | undefined

/** Loads the tree-sitter runtime once; its .wasm is handed over as bytes so it never looks for it by URL. */
function initRuntime (): Promise<void> {
  runtime ??= Parser.init({ wasmBinary: readPackageFile({ spec: 'web-tree-sitter/web-tree-sitter.wasm' }) }).catch((error: unknown) => {
    runtime = undefined
    throw error
  })
  return runtime
}

const loaded = new Map<ParsedLanguage, Promise<LoadedGrammar>>()

/**
 * The grammar for `language`, loaded on first use and kept for the life of
 * the running program. Parsing is synchronous, so one parser per language is enough
 * however many generations run at once.
 */
export function loadGrammar (language: ParsedLanguage): Promise<LoadedGrammar> {
  let grammar = loaded.get(language)
  if (grammar === undefined) {
    grammar = load(language)
    // A failed load is not cached, so a later call may try again.
    grammar.catch(() => { loaded.delete(language) })
    loaded.set(language, grammar)
  }
  return grammar
}

async function load (language: ParsedLanguage): Promise<LoadedGrammar> {
  await initRuntime()
  const spec = GRAMMARS[language]
  const lang = await Language.load(readPackageFile(spec.wasm))
  const parser = new Parser()
  parser.setLanguage(lang)
  const decoder = new TextDecoder()
  const source = spec.tags.map(file => decoder.decode(readPackageFile(file))).join('\n') + EXTRA_QUERIES[language]
  return { language, parser, query: new Query(lang, source) }
}
