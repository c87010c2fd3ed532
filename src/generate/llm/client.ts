import { InvalidLlmAnswerError, LlmEndpointError } from '../../errors.ts'
import type { LlmConfig } from './config.ts'
import type { ChatMessage } from './prompt.ts'

/** A chat-completions response larger than this is not an answer to our question. */
const MAX_RESPONSE_BYTES = 1024 * 1024

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

/**
 * One POST to an OpenAI-compatible `/v1/chat/completions`, asking for a JSON
 * object, and the message content of its first choice. It stops at the
 * caller's signal (rethrowing its reason) or at the configured timeout (an
 * LlmEndpointError); HTTP errors, oversize or malformed responses are
 * LlmEndpointError / InvalidLlmAnswerError.
 */
export async function chatCompletion (config: LlmConfig, messages: readonly ChatMessage[], signal: AbortSignal | undefined, fetchImpl: FetchLike = fetch): Promise<string> {
  signal?.throwIfAborted()
  const timeout = AbortSignal.timeout(config.timeoutMs)
  const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout])
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (config.key !== undefined) headers.authorization = `Bearer ${config.key}`
  const body = JSON.stringify({ model: config.model, messages, response_format: { type: 'json_object' }, temperature: 0, stream: false })
  let text: string
  try {
    const response = await fetchImpl(config.endpoint, { method: 'POST', headers, body, signal: combined })
    if (!response.ok) {
      await response.body?.cancel().catch(() => {})
      throw new LlmEndpointError(`the LLM endpoint answered HTTP ${response.status}`)
    }
    text = await readLimited(response)
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason
    if (timeout.aborted) throw new LlmEndpointError(`the LLM endpoint did not answer within ${config.timeoutMs} ms`, { cause: error })
    if (error instanceof LlmEndpointError) throw error
    throw new LlmEndpointError(`the LLM endpoint failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  }
  return contentOf(text)
}

async function readLimited (response: Response): Promise<string> {
  if (response.body === null) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.length
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => {})
      throw new LlmEndpointError(`the LLM endpoint's response is over ${MAX_RESPONSE_BYTES} bytes`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    all.set(chunk, at)
    at += chunk.length
  }
  return new TextDecoder().decode(all)
}

function contentOf (text: string): string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidLlmAnswerError('the LLM endpoint did not answer with JSON')
  }
  const choice = (value as { choices?: unknown } | null)?.choices
  const first = Array.isArray(choice) ? (choice[0] as { message?: { content?: unknown }, finish_reason?: unknown } | undefined) : undefined
  const content = first?.message?.content
  if (typeof content !== 'string') throw new InvalidLlmAnswerError('the LLM endpoint\'s answer has no choices[0].message.content')
  if (first?.finish_reason === 'length') throw new InvalidLlmAnswerError('the model\'s answer was cut off at its token limit')
  return content
}
