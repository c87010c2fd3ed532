import { isReservedAddress } from '../src/directory/layout.ts'
import { InvalidLinesError, InvalidRecordError, SlurpError, UnknownRoleError, UsageError } from '../src/errors.ts'
import { parseContextItem } from '../src/record/context-item.ts'
import type { ContextDraft, ContextItem } from '../src/record/context-item.ts'
import { CONTENT_TYPES, isContentType } from '../src/roles/authority.ts'
import type { ContentType } from '../src/roles/authority.ts'

/**
 * The bulk file format (`slurp export` writes it, `slurp import` reads it):
 * JSON Lines, one context item per line. A line is a context item as readers
 * get it (what export writes), or a draft as `slurp put` takes it plus its
 * address: {"address", "summary", "purpose"?, "tags"?, "technologies"?,
 * "insights"?, "parent"?, "body"?, "metadata"?, "decision"?, "type"? (or
 * "contentType"), "as"? (or "creatorRole")}. createdAt/updatedAt are taken
 * and ignored: a write is stamped when it is made.
 */
export const FORMAT_FIELDS = ['address', 'summary', 'purpose', 'technologies', 'tags', 'insights', 'parent', 'body', 'metadata', 'decision',
  'type', 'contentType', 'as', 'creatorRole', 'createdAt', 'updatedAt'] as const

const DRAFT_FIELDS = ['summary', 'purpose', 'technologies', 'tags', 'insights', 'parent', 'body', 'metadata', 'decision'] as const

/** One line, ready to write. */
export interface ImportItem {
  /** From 1. */
  readonly line: number
  /** Canonical. */
  readonly address: string
  readonly type: ContentType
  readonly as: string
  readonly draft: ContextDraft
}

export interface LineRules {
  /** The role for lines that name none ("as" wins, then this, then "creatorRole"). */
  readonly as?: string
  /** Roles the policy defines, and those this member holds: a line writing as another role is refused before anything is written. */
  readonly knownRoles?: ReadonlySet<string>
  readonly heldRoles?: ReadonlySet<string>
}

const EPOCH = new Date(0).toISOString()

/** Parses and checks one line; throws a SlurpError saying what is wrong (never anything else). */
export function parseImportLine (text: string, line: number, rules: LineRules = {}): ImportItem {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidRecordError('not valid JSON')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidRecordError('must be a JSON object (one context item)')
  const fields = value as Record<string, unknown>
  const unknown = Object.keys(fields).filter(key => !(FORMAT_FIELDS as readonly string[]).includes(key))
  if (unknown.length > 0) throw new InvalidRecordError(`unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map(key => JSON.stringify(key)).join(', ')} (the fields are ${FORMAT_FIELDS.join(', ')})`)
  const type = contentTypeOf(fields)
  const as = roleOf(fields, rules)
  // Checked exactly as the write will check it: what passes here is what the record holds.
  const item = parseContextItem({ ...pick(fields, DRAFT_FIELDS), address: fields.address, contentType: type, creatorRole: as, createdAt: EPOCH, updatedAt: EPOCH })
  if (isReservedAddress(item.address)) throw new UsageError(`${item.address} is under /.slurp/, which holds slurp's own records`)
  return { line, address: item.address, type, as, draft: draftOf(item) }
}

/**
 * Every line of a file: the items, and every bad line by number (blank lines
 * are skipped). Nothing is written unless the whole file is good, so a file
 * is never left half imported because of a typo on line 9,000.
 */
export function parseImportFile (text: string, rules: LineRules = {}): { items: ImportItem[], problems: Array<{ line: number, error: SlurpError }> } {
  const items: ImportItem[] = []
  const problems: Array<{ line: number, error: SlurpError }> = []
  const lines = text.split('\n')
  for (const [i, raw] of lines.entries()) {
    const body = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (body.trim() === '') continue
    try {
      items.push(parseImportLine(body, i + 1, rules))
    } catch (error) {
      if (!(error instanceof SlurpError)) throw error
      problems.push({ line: i + 1, error })
    }
  }
  return { items, problems }
}

/** Throws InvalidLinesError naming the first `shown` bad lines, when there are any. */
export function assertNoProblems (problems: ReadonlyArray<{ line: number, error: SlurpError }>, total: number, shown = 20): void {
  if (problems.length === 0) return
  const listed = problems.slice(0, shown).map(({ line, error }) => `  line ${line}: ${error.name}: ${error.message}`)
  if (problems.length > shown) listed.push(`  … and ${problems.length - shown} more`)
  throw new InvalidLinesError(`${problems.length} of ${total} lines are not valid context items; nothing was written:\n${listed.join('\n')}`, problems)
}

/** One export line: the item as readers get it, which import reads back. */
export function formatExportLine (item: ContextItem): string {
  return JSON.stringify(item)
}

function contentTypeOf (fields: Record<string, unknown>): ContentType {
  const { type, contentType } = fields
  if (type !== undefined && contentType !== undefined && type !== contentType) throw new InvalidRecordError(`"type" (${String(type)}) and "contentType" (${String(contentType)}) disagree`)
  const given = type ?? contentType ?? 'context'
  if (!isContentType(given)) throw new InvalidRecordError(`"type" must be one of ${CONTENT_TYPES.join(', ')}`)
  return given
}

function roleOf (fields: Record<string, unknown>, rules: LineRules): string {
  for (const name of ['as', 'creatorRole'] as const) {
    const value = fields[name]
    if (value !== undefined && (typeof value !== 'string' || value === '')) throw new InvalidRecordError(`"${name}" must be a role name`)
  }
  const as = (fields.as as string | undefined) ?? rules.as ?? (fields.creatorRole as string | undefined)
  if (as === undefined) throw new UsageError('no role to write as: give "as" on the line, or --as ROLE')
  if (rules.knownRoles !== undefined && !rules.knownRoles.has(as)) throw new UnknownRoleError(`the policy has no role "${as}"`)
  if (rules.heldRoles !== undefined && !rules.heldRoles.has(as)) throw new UsageError(`this member does not hold the role "${as}" (it holds ${[...rules.heldRoles].join(', ')}): give "as" or --as`)
  return as
}

function pick (fields: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter(name => fields[name] !== undefined).map(name => [name, fields[name]]))
}

/** The item's writable fields (empty lists left out, as a writer would). */
function draftOf (item: ContextItem): ContextDraft {
  const { summary, purpose, technologies, tags, insights, parent, body, metadata, decision } = item
  return {
    summary,
    ...(purpose === undefined ? {} : { purpose }),
    ...(technologies.length === 0 ? {} : { technologies }),
    ...(tags.length === 0 ? {} : { tags }),
    ...(insights.length === 0 ? {} : { insights }),
    ...(parent === undefined ? {} : { parent }),
    ...(body === undefined ? {} : { body }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(decision === undefined ? {} : { decision })
  }
}
