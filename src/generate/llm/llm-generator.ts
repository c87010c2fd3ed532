import { LlmEndpointError } from '../../errors.ts'
import { checkSource } from '../check-source.ts'
import { createStaticGenerator } from '../static/static-generator.ts'
import type { ContextDraft, GenerateOptions, Generator, GeneratorInput } from '../types.ts'
import { parseLlmAnswer } from './answer.ts'
import type { LlmAnswer } from './answer.ts'
import { chatCompletion } from './client.ts'
import type { FetchLike } from './client.ts'
import { resolveLlmConfig } from './config.ts'
import type { LlmConfigOptions } from './config.ts'
import { buildMessages } from './prompt.ts'

export const LLM_GENERATOR_NAME = 'llm'
/** Bump when the prompt or the merge changes. The model is part of the draft's generator info too. */
export const LLM_GENERATOR_VERSION = '1.0.0'

const MAX_TECHNOLOGIES = 32
const MAX_TAGS = 24
const MAX_INSIGHTS = 32

export interface LlmGeneratorOptions extends LlmConfigOptions {
  /** Drafts the facts the model starts from, and the fallback. Default: the static generator. */
  readonly base?: Generator
  /** Told each time the endpoint fails or answers badly and the base draft is used instead. */
  readonly onWarning?: (message: string, error: Error) => void
  /** Default: the global fetch. */
  readonly fetch?: FetchLike
}

/**
 * Any OpenAI-compatible chat-completions endpoint (Ollama, llama.cpp, vLLM,
 * OpenAI). It drafts the file with the base generator, sends that draft and
 * the (cut) source, and takes the model's summary, purpose, technologies, tags
 * and insights when they pass validation. When the endpoint fails, times out
 * or answers badly, the base draft is returned with a warning. Aborting the
 * caller's signal rejects: that work is no longer wanted.
 */
export function createLlmGenerator (options: LlmGeneratorOptions = {}): Generator {
  const config = resolveLlmConfig(options)
  const base = options.base ?? createStaticGenerator()
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init))
  return {
    name: LLM_GENERATOR_NAME,
    version: LLM_GENERATOR_VERSION,
    async generate (input: GeneratorInput, { signal }: GenerateOptions): Promise<ContextDraft> {
      const draft = await base.generate(input, signal === undefined ? {} : { signal })
      try {
        const source = checkSource(draft.path, input.bytes, { maxBytes: Number.MAX_SAFE_INTEGER })
        const content = await chatCompletion(config, buildMessages(draft, source, config.maxSourceChars), signal, fetchImpl)
        return merge(draft, parseLlmAnswer(content), config.model)
      } catch (error) {
        if (signal?.aborted === true) throw signal.reason
        const failure = error instanceof Error ? error : new LlmEndpointError(String(error))
        const message = `llm (${config.model}): ${failure.message}; the ${draft.generator.name} draft is used instead`
        options.onWarning?.(message, failure)
        return { ...draft, warnings: [...(draft.warnings ?? []), message] }
      }
    }
  }
}

/** The model's prose replaces the base's; the base's facts (definitions, imports, importance, metrics) stay, and lists are joined. */
function merge (draft: ContextDraft, answer: LlmAnswer, model: string): ContextDraft {
  return {
    ...draft,
    summary: answer.summary,
    purpose: answer.purpose,
    technologies: [...new Set([...draft.technologies, ...answer.technologies])].slice(0, MAX_TECHNOLOGIES),
    tags: [...new Set([...answer.tags, ...draft.tags])].slice(0, MAX_TAGS),
    insights: [...answer.insights, ...draft.insights].slice(0, MAX_INSIGHTS),
    generator: { name: LLM_GENERATOR_NAME, version: LLM_GENERATOR_VERSION, model }
  }
}
