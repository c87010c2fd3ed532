import { GeneratorConfigError } from '../../errors.ts'

export interface LlmConfig {
  /** The full chat-completions URL (`…/v1/chat/completions`). */
  readonly endpoint: string
  readonly model: string
  readonly key?: string
  readonly timeoutMs: number
  /** Source characters sent at most; the rest is cut (and the prompt says so). */
  readonly maxSourceChars: number
}

export interface LlmConfigOptions {
  /** The server (`http://127.0.0.1:11434`), its `/v1`, or the full `/v1/chat/completions` URL. Default `$SLURP_LLM_URL`. */
  readonly url?: string
  /** Default `$SLURP_LLM_MODEL`. */
  readonly model?: string
  /** Sent as a bearer token. Default `$SLURP_LLM_KEY`; none when unset (Ollama, llama.cpp). */
  readonly key?: string
  /** Per request, default 60 s: a local model on a CPU is slow. */
  readonly timeoutMs?: number
  readonly maxSourceChars?: number
  /** Where SLURP_LLM_* are read; default the process environment. */
  readonly env?: Readonly<Record<string, string | undefined>>
}

export const DEFAULT_LLM_TIMEOUT_MS = 60_000
export const DEFAULT_MAX_SOURCE_CHARS = 24_000

/** Options first, then SLURP_LLM_URL, SLURP_LLM_MODEL, SLURP_LLM_KEY; a missing URL or model is a GeneratorConfigError. */
export function resolveLlmConfig (options: LlmConfigOptions = {}): LlmConfig {
  const env = options.env ?? processEnv()
  const url = nonEmpty(options.url) ?? nonEmpty(env.SLURP_LLM_URL)
  const model = nonEmpty(options.model) ?? nonEmpty(env.SLURP_LLM_MODEL)
  const key = nonEmpty(options.key) ?? nonEmpty(env.SLURP_LLM_KEY)
  if (url === undefined) throw new GeneratorConfigError('the LLM generator needs an endpoint: pass url or set SLURP_LLM_URL')
  if (model === undefined) throw new GeneratorConfigError('the LLM generator needs a model: pass model or set SLURP_LLM_MODEL')
  const timeoutMs = options.timeoutMs ?? DEFAULT_LLM_TIMEOUT_MS
  const maxSourceChars = options.maxSourceChars ?? DEFAULT_MAX_SOURCE_CHARS
  if (!(timeoutMs > 0)) throw new GeneratorConfigError('timeoutMs must be positive')
  if (!(maxSourceChars >= 0)) throw new GeneratorConfigError('maxSourceChars must not be negative')
  return { endpoint: endpointOf(url), model, ...(key === undefined ? {} : { key }), timeoutMs, maxSourceChars }
}

function endpointOf (url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new GeneratorConfigError(`SLURP_LLM_URL is not a URL: ${url}`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new GeneratorConfigError(`the LLM endpoint must be http or https, not ${parsed.protocol}`)
  const path = parsed.pathname.replace(/\/+$/, '')
  if (path.endsWith('/chat/completions')) parsed.pathname = path
  else if (path.endsWith('/v1')) parsed.pathname = `${path}/chat/completions`
  else parsed.pathname = `${path}/v1/chat/completions`
  return parsed.toString()
}

function nonEmpty (value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim()
}

function processEnv (): Readonly<Record<string, string | undefined>> {
  // Node, Bun and Deno (2.x) all expose the environment on the global process object; a browser has none.
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
  return proc?.env ?? {}
}
