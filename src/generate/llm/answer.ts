import { InvalidLlmAnswerError } from '../../errors.ts'

/** What the model is asked to write: the prose fields of the draft. The rest stays the static generator's. */
export interface LlmAnswer {
  readonly summary: string
  readonly purpose: string
  readonly technologies: readonly string[]
  readonly tags: readonly string[]
  readonly insights: readonly string[]
}

/** The answer's limits, also stated in the prompt. */
export const ANSWER_LIMITS = {
  summary: 300,
  purpose: 2000,
  technologies: { items: 24, length: 64 },
  tags: { items: 24, length: 48 },
  insights: { items: 16, length: 400 }
} as const

const FIELDS = new Set(['summary', 'purpose', 'technologies', 'tags', 'insights'])
const TAG = /^[a-z0-9][a-z0-9.+#-]*$/

/**
 * Parses the model's message strictly: one JSON object with exactly the five
 * fields, each of the right type, non-empty and within its length. Anything
 * else is an InvalidLlmAnswerError (and the caller falls back).
 */
export function parseLlmAnswer (content: string): LlmAnswer {
  let value: unknown
  try {
    value = JSON.parse(content)
  } catch {
    throw bad('is not JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('is not a JSON object')
  const answer = value as Record<string, unknown>
  for (const key of Object.keys(answer)) if (!FIELDS.has(key)) throw bad(`has an unexpected field "${key.slice(0, 40)}"`)
  const tags = [...new Set(strings(answer.tags, 'tags', ANSWER_LIMITS.tags).map(tag => tag.toLowerCase()))]
  for (const tag of tags) if (!TAG.test(tag)) throw bad(`has a tag that is not lower-case-kebab: "${tag.slice(0, 40)}"`)
  return {
    summary: text(answer.summary, 'summary', ANSWER_LIMITS.summary),
    purpose: text(answer.purpose, 'purpose', ANSWER_LIMITS.purpose),
    technologies: strings(answer.technologies, 'technologies', ANSWER_LIMITS.technologies),
    tags,
    insights: strings(answer.insights, 'insights', ANSWER_LIMITS.insights)
  }
}

function text (value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw bad(`field ${field} is not a string`)
  const trimmed = value.trim()
  if (trimmed === '') throw bad(`field ${field} is empty`)
  if (trimmed.length > max) throw bad(`field ${field} is longer than ${max} characters`)
  // Control characters other than newlines and tabs mean a broken or hostile answer.
  if (hasControl(trimmed)) throw bad(`field ${field} holds control characters`)
  return trimmed
}

function hasControl (value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true
  }
  return false
}

function strings (value: unknown, field: string, limits: { items: number, length: number }): string[] {
  if (!Array.isArray(value)) throw bad(`field ${field} is not an array`)
  if (value.length > limits.items) throw bad(`field ${field} has more than ${limits.items} entries`)
  const out = value.map((entry, i) => text(entry, `${field}[${i}]`, limits.length))
  return [...new Set(out)]
}

function bad (problem: string): InvalidLlmAnswerError {
  return new InvalidLlmAnswerError(`the model's answer ${problem}`)
}
