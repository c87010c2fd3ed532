import { parentAddress } from '../address/index.ts'
import { AccessDeniedError, NetworkError, NotFoundError } from '../errors.ts'
import type { ContextDraft, ContextItem } from '../record/context-item.ts'
import { EMPTY_RESOLUTION, LIST_FIELDS, resolveLevels } from './merge.ts'
import type { ResolvedItem } from './merge.ts'
import { DEFAULT_DEPTH } from './resolver.ts'
import type { Resolution, Resolver } from './resolver.ts'

/**
 * What a write must store so that resolution gives back the whole draft:
 * list entries and metadata its ancestors already give are dropped, and so is
 * a purpose equal to the inherited one (seed 001's "storage efficiency through
 * hierarchy"). The summary and body are the item's own and always stay.
 */
export function withoutInherited (draft: ContextDraft, inherited: ResolvedItem): ContextDraft {
  const out: Record<string, unknown> = { ...draft }
  for (const field of LIST_FIELDS) {
    const values = draft[field]
    if (values === undefined) continue
    const given = new Set(inherited[field].map(entry => entry.value))
    const own = values.filter(value => !given.has(value))
    if (own.length === 0) delete out[field]
    else out[field] = own
  }
  if (draft.purpose !== undefined && draft.purpose === inherited.purpose?.value) delete out.purpose
  if (draft.metadata !== undefined) {
    const own = Object.entries(draft.metadata).filter(([name, value]) => inherited.metadata[name]?.value !== value)
    if (own.length === 0) delete out.metadata
    else out.metadata = Object.fromEntries(own)
  }
  return out as ContextDraft
}

/**
 * What a write at `address` inherits, as its readers will resolve it: only
 * ancestor levels that every reader of the write can read too (their writer
 * role's readers include all of the write's), so no reader loses a field
 * that was left out of the write because the writer saw it above.
 */
export async function inheritedFor (
  resolver: Resolver,
  address: string,
  readers: readonly string[],
  readersOf: (role: string) => readonly string[],
  options: { signal?: AbortSignal } = {}
): Promise<ResolvedItem> {
  const parent = parentAddress(address)
  if (parent === undefined) return EMPTY_RESOLUTION
  let resolution: Resolution
  try {
    resolution = await resolver.resolve(parent, { depth: DEFAULT_DEPTH - 1, ...options })
  } catch (error) {
    // Nothing readable above (or nothing reachable): the write keeps every field.
    if (error instanceof NotFoundError || error instanceof NetworkError || error instanceof AccessDeniedError) return EMPTY_RESOLUTION
    throw error
  }
  const shared = resolution.levels.filter(level => {
    if (level.item === undefined || level.meta === undefined) return false
    const above = new Set(readersOf(level.meta.role))
    return readers.every(reader => above.has(reader))
  })
  return resolveLevels(shared.map(level => level.item as ContextItem))
}
