import { UsageError } from '../src/errors.ts'
import { createLlmGenerator, createStaticGenerator, STATIC_GENERATOR_NAME, STATIC_GENERATOR_VERSION } from '../src/generate/index.ts'
import type { Generator } from '../src/generate/index.ts'
import type { OptionSpec, ParsedArgs } from './command.ts'

/**
 * What a request names as its generator version: the queue generates the same
 * address and source once per version. Requesters name the static generator's;
 * the leader's own generator (static or llm) says in each record what made it.
 */
export const DEFAULT_GENERATOR_VERSION = `${STATIC_GENERATOR_NAME}@${STATIC_GENERATOR_VERSION}`

export const GENERATOR_OPTIONS: OptionSpec = {
  generator: { type: 'string' },
  'llm-url': { type: 'string' },
  'llm-model': { type: 'string' },
  'llm-key': { type: 'string' }
}

export const GENERATOR_HELP = [
  '--generator static (default: tree-sitter, no network) or llm: any OpenAI-compatible',
  '/v1/chat/completions endpoint (--llm-url, --llm-model, --llm-key, or SLURP_LLM_URL,',
  'SLURP_LLM_MODEL, SLURP_LLM_KEY) refines the static result, which it falls back to (with a',
  'warning) when the endpoint fails or answers badly.'
].join('\n')

/** The generator `slurp coordinator` runs, from its flags and environment. */
export async function generatorFrom (values: ParsedArgs['values'], env: Readonly<Record<string, string | undefined>>, warn: (message: string) => void): Promise<Generator> {
  const kind = (values.generator as string | undefined) ?? env.SLURP_GENERATOR ?? 'static'
  if (kind === 'static') return createStaticGenerator()
  if (kind !== 'llm') throw new UsageError(`--generator takes static or llm, not "${kind}"`)
  const given = (name: string): { [key: string]: string } | undefined => values[`llm-${name}`] === undefined ? undefined : { [name]: values[`llm-${name}`] as string }
  // A missing endpoint or model is a GeneratorConfigError naming the flag's environment variable.
  return createLlmGenerator({ ...given('url'), ...given('model'), ...given('key'), env, onWarning: message => { warn(`llm generator: ${message}`) } })
}
