import { addressField } from '../address/field.ts'
import { InvalidRecordError } from '../errors.ts'

/** MADR's statuses: a decision proposed, taken, turned down, retired, or replaced by another. */
export const DECISION_STATUSES = ['proposed', 'accepted', 'rejected', 'deprecated', 'superseded'] as const
export type DecisionStatus = typeof DECISION_STATUSES[number]

/** adr-tools' links between decisions: this one supersedes, amends or relates to the target. */
export const DECISION_LINKS = ['supersedes', 'amends', 'relates'] as const
export type DecisionLinkType = typeof DECISION_LINKS[number]

export interface DecisionLink {
  readonly type: DecisionLinkType
  /** The other decision's address. */
  readonly target: string
}

/**
 * What makes a `decision` item a node of the decision graph. Times follow
 * Graphiti's bi-temporal edges: `validAt` when it came into force,
 * `invalidAt` when it stopped being in force (superseded, deprecated).
 */
export interface DecisionFields {
  /** The addresses it affects; a folder's address affects everything under it. */
  readonly affects: readonly string[]
  readonly links: readonly DecisionLink[]
  readonly status: DecisionStatus
  /** Who decided (a name, a team, a member label). */
  readonly decidedBy?: string
  readonly rationale?: string
  readonly alternatives: readonly string[]
  readonly validAt?: string
  readonly invalidAt?: string
}

/** What a writer gives: lists may be left out. */
export type DecisionDraft = Partial<Omit<DecisionFields, 'status'>> & { readonly status: DecisionStatus }

const MAX_AFFECTS = 256
const MAX_LINKS = 64

/** The decision fields of an item; throws InvalidRecordError naming what is wrong. */
export function parseDecisionFields (value: unknown): DecisionFields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('must be an object')
  const fields = value as Record<string, unknown>
  if (!(DECISION_STATUSES as readonly unknown[]).includes(fields.status)) throw invalid(`status must be one of ${DECISION_STATUSES.join(', ')}`)
  const affects = list(fields.affects, 'affects', MAX_AFFECTS).map((entry, i) => address(entry, `affects[${i}]`))
  if (fields.links !== undefined && !Array.isArray(fields.links)) throw invalid('links must be a list')
  const links = ((fields.links ?? []) as unknown[]).map((link, i) => parseLink(link, i))
  if (links.length > MAX_LINKS) throw invalid(`links has more than ${MAX_LINKS} entries`)
  const validAt = optionalTime(fields.validAt, 'validAt')
  const invalidAt = optionalTime(fields.invalidAt, 'invalidAt')
  if (validAt !== undefined && invalidAt !== undefined && Date.parse(invalidAt) < Date.parse(validAt)) throw invalid('invalidAt is before validAt')
  return {
    affects: [...new Set(affects)],
    links,
    status: fields.status as DecisionStatus,
    ...(fields.decidedBy === undefined ? {} : { decidedBy: text(fields.decidedBy, 'decidedBy', 256) }),
    ...(fields.rationale === undefined ? {} : { rationale: text(fields.rationale, 'rationale', 64 * 1024) }),
    alternatives: list(fields.alternatives, 'alternatives', MAX_AFFECTS).map((entry, i) => text(entry, `alternatives[${i}]`, 4096)),
    ...(validAt === undefined ? {} : { validAt }),
    ...(invalidAt === undefined ? {} : { invalidAt })
  }
}

function parseLink (value: unknown, i: number): DecisionLink {
  if (typeof value !== 'object' || value === null) throw invalid(`links[${i}] must be {type, target}`)
  const { type, target } = value as Record<string, unknown>
  if (!(DECISION_LINKS as readonly unknown[]).includes(type)) throw invalid(`links[${i}].type must be one of ${DECISION_LINKS.join(', ')}`)
  return { type: type as DecisionLinkType, target: address(target, `links[${i}].target`) }
}

function invalid (problem: string): InvalidRecordError {
  return new InvalidRecordError(`decision ${problem}`)
}

function list (value: unknown, field: string, max: number): unknown[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.length > max) throw invalid(`${field} must be a list of at most ${max} entries`)
  return value
}

function text (value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max) throw invalid(`${field} must be a string of at most ${max} characters`)
  return value
}

function address (value: unknown, field: string): string {
  return addressField(value, field, invalid)
}

function optionalTime (value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw invalid(`${field} must be an ISO 8601 timestamp`)
  return new Date(Date.parse(value)).toISOString()
}
