import { addressField } from '../address/field.ts'
import { InvalidRecordError } from '../errors.ts'
import { CONTENT_TYPES, isContentType } from '../roles/authority.ts'
import type { ContentType } from '../roles/authority.ts'
import { parseDecisionFields } from '../decisions/decision-fields.ts'
import type { DecisionDraft, DecisionFields } from '../decisions/decision-fields.ts'

/**
 * What a reader cares about, after decryption: seed 004's context node. It
 * travels only inside the ciphertext.
 */
export interface ContextItem {
  readonly address: string
  readonly summary: string
  readonly purpose?: string
  readonly technologies: readonly string[]
  readonly tags: readonly string[]
  readonly insights: readonly string[]
  /** The address this one refines (hierarchy), if any. */
  readonly parent?: string
  readonly contentType: ContentType
  readonly creatorRole: string
  readonly createdAt: string
  readonly updatedAt: string
  /** Free text: the decision record, the file description, the task brief. */
  readonly body?: string
  readonly metadata?: Readonly<Record<string, string>>
  /** On `decision` items only: what it affects, its links, status and time in force. */
  readonly decision?: DecisionFields
}

/** What a writer supplies; the rest is filled in when the record is made. */
export type ContextDraft = Partial<Omit<ContextItem, 'address' | 'creatorRole' | 'createdAt' | 'updatedAt' | 'decision'>> & { summary: string, decision?: DecisionDraft }

const MAX_TEXT = 64 * 1024
const MAX_LIST = 256

export function parseContextItem (value: unknown): ContextItem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('must be an object')
  const item = value as Record<string, unknown>
  const address = canonical(item.address, 'address')
  const parent = item.parent === undefined ? undefined : canonical(item.parent, 'parent')
  if (!isContentType(item.contentType)) throw invalid(`contentType must be one of ${CONTENT_TYPES.join(', ')}`)
  const out: ContextItem = {
    address,
    summary: text(item.summary, 'summary', MAX_TEXT),
    technologies: list(item.technologies, 'technologies'),
    tags: list(item.tags, 'tags'),
    insights: list(item.insights, 'insights'),
    contentType: item.contentType,
    creatorRole: text(item.creatorRole, 'creatorRole', 64),
    createdAt: timestamp(item.createdAt, 'createdAt'),
    updatedAt: timestamp(item.updatedAt, 'updatedAt'),
    ...(item.purpose === undefined ? {} : { purpose: text(item.purpose, 'purpose', MAX_TEXT) }),
    ...(parent === undefined ? {} : { parent }),
    ...(item.body === undefined ? {} : { body: text(item.body, 'body', 1024 * 1024) }),
    ...(item.metadata === undefined ? {} : { metadata: stringMap(item.metadata) }),
    ...(item.decision === undefined ? {} : { decision: decisionOf(item.decision, item.contentType) })
  }
  return out
}

function decisionOf (value: unknown, type: ContentType): DecisionFields {
  if (type !== 'decision') throw invalid('has decision fields but is not a decision')
  return parseDecisionFields(value)
}

function invalid (problem: string): InvalidRecordError {
  return new InvalidRecordError(`context item ${problem}`)
}

function canonical (value: unknown, field: string): string {
  return addressField(value, field, invalid)
}

function text (value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string`)
  if (value.length > max) throw invalid(`${field} is longer than ${max} characters`)
  return value
}

function list (value: unknown, field: string): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > MAX_LIST) throw invalid(`${field} must be a list of at most ${MAX_LIST} strings`)
  return value.map((entry, i) => text(entry, `${field}[${i}]`, 4096))
}

function timestamp (value: unknown, field: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalid(`${field} must be an ISO 8601 timestamp`)
  return value
}

function stringMap (value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('metadata must be an object of strings')
  const entries = Object.entries(value)
  if (entries.length > MAX_LIST) throw invalid(`metadata has more than ${MAX_LIST} entries`)
  return Object.fromEntries(entries.map(([k, v]) => [k, text(v, `metadata.${k}`, 4096)]))
}
