import type { ContextItem } from '../record/context-item.ts'

/** A value and the address it came from. */
export interface Sourced<T> {
  readonly value: T
  readonly from: string
}

/**
 * An item merged with its ancestors' context (seed 001's bounded hierarchical
 * resolution). Lists are unions, nearest level first; a scalar comes from the
 * nearest level that has it; every value names the address it came from.
 *
 * `body` is not inherited: it is the item's own text (the file description,
 * the decision record), and a folder's text shown as a file's would mislead.
 */
export interface ResolvedItem {
  readonly summary?: Sourced<string>
  readonly purpose?: Sourced<string>
  readonly body?: Sourced<string>
  readonly technologies: ReadonlyArray<Sourced<string>>
  readonly tags: ReadonlyArray<Sourced<string>>
  readonly insights: ReadonlyArray<Sourced<string>>
  readonly metadata: Readonly<Record<string, Sourced<string>>>
}

export const LIST_FIELDS = ['technologies', 'tags', 'insights'] as const
export type ListField = typeof LIST_FIELDS[number]

export const EMPTY_RESOLUTION: ResolvedItem = { technologies: [], tags: [], insights: [], metadata: {} }

/**
 * Adds one level farther up to what nearer levels resolved: it fills only
 * what they left empty. Folding the levels nearest first with this is the
 * whole of resolution.
 */
export function addFartherLevel (nearer: ResolvedItem, item: ContextItem, isOwn: boolean): ResolvedItem {
  const from = item.address
  const scalar = (have: Sourced<string> | undefined, value: string | undefined): Sourced<string> | undefined =>
    have ?? (value === undefined || value === '' ? undefined : { value, from })
  const summary = scalar(nearer.summary, item.summary)
  const purpose = scalar(nearer.purpose, item.purpose)
  const body = isOwn ? scalar(nearer.body, item.body) : nearer.body
  const metadata: Record<string, Sourced<string>> = { ...nearer.metadata }
  for (const [name, value] of Object.entries(item.metadata ?? {})) {
    if (!Object.hasOwn(metadata, name) && value !== '') metadata[name] = { value, from }
  }
  return {
    ...(summary === undefined ? {} : { summary }),
    ...(purpose === undefined ? {} : { purpose }),
    ...(body === undefined ? {} : { body }),
    technologies: union(nearer.technologies, item.technologies, from),
    tags: union(nearer.tags, item.tags, from),
    insights: union(nearer.insights, item.insights, from),
    metadata
  }
}

/** `levels` nearest first: the address's own item (when there is one), then its parent's, and so on. */
export function resolveLevels (levels: readonly ContextItem[], ownAddress?: string): ResolvedItem {
  return levels.reduce((resolved, item) => addFartherLevel(resolved, item, item.address === ownAddress), EMPTY_RESOLUTION)
}

function union (nearer: ReadonlyArray<Sourced<string>>, values: readonly string[], from: string): ReadonlyArray<Sourced<string>> {
  const seen = new Set(nearer.map(entry => entry.value))
  const added: Array<Sourced<string>> = []
  for (const value of values) {
    if (value === '' || seen.has(value)) continue
    seen.add(value)
    added.push({ value, from })
  }
  return added.length === 0 ? nearer : [...nearer, ...added]
}
