import { genericFacts } from './generic.ts'
import { loadGrammar } from './grammars.ts'
import { isParsed } from './languages.ts'
import { AnalysisCancelled, analyze } from './syntax.ts'
import type { SyntaxFacts } from './syntax.ts'

/** How long one file may take to parse and query before it gets a generic draft instead. */
export const DEFAULT_TIME_BUDGET_MS = 2000

export interface Extracted {
  readonly facts: SyntaxFacts
  /** The file went through tree-sitter (as opposed to the generic line scanners). */
  readonly parsed: boolean
  readonly warnings: readonly string[]
}

export interface ExtractOptions {
  readonly signal?: AbortSignal
  readonly timeBudgetMs?: number
}

/**
 * Facts about one file, never failing on its content: a grammar that does not
 * load, a parser that throws or a parse over its time budget leaves the file
 * with the generic facts and a warning. Only an abort rejects.
 */
export async function extractFacts (language: string, text: string, options: ExtractOptions = {}): Promise<Extracted> {
  if (!isParsed(language)) return { facts: genericFacts(language, text), parsed: false, warnings: [] }
  try {
    const grammar = await loadGrammar(language)
    options.signal?.throwIfAborted()
    const deadline = performance.now() + (options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS)
    return { facts: analyze(grammar, text, { deadline, signal: options.signal }), parsed: true, warnings: [] }
  } catch (error) {
    options.signal?.throwIfAborted()
    const why = error instanceof AnalysisCancelled
      ? `parsing took longer than ${options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS} ms`
      : `the ${language} parser failed (${error instanceof Error ? error.message : String(error)})`
    return { facts: genericFacts('text', text), parsed: false, warnings: [`static: ${why}; only generic facts were extracted`] }
  }
}
