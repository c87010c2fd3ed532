import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ContextDraft, ContextItem } from '../../src/record/context-item.ts'
import { withoutInherited } from '../../src/resolve/inherit.ts'
import { LIST_FIELDS, addFartherLevel, resolveLevels } from '../../src/resolve/merge.ts'
import type { ResolvedItem } from '../../src/resolve/merge.ts'

// Small alphabets, so levels share values often and the union and the
// nearest-wins rules are really exercised.
const word = fc.constantFrom('', 'ts', 'go', 'libp2p', 'age', 'dht', 'raft')
const words = fc.array(word, { maxLength: 5 })
const metadata = fc.dictionary(fc.constantFrom('owner', 'tier', 'lang'), word, { maxKeys: 3 })

function draftArbitrary (): fc.Arbitrary<ContextDraft> {
  return fc.record({
    summary: word,
    purpose: fc.option(word, { nil: undefined }),
    body: fc.option(word, { nil: undefined }),
    technologies: words,
    tags: words,
    insights: words,
    metadata: fc.option(metadata, { nil: undefined })
  }, { requiredKeys: ['summary'] })
}

function itemAt (address: string, draft: ContextDraft): ContextItem {
  return {
    address,
    summary: draft.summary,
    technologies: draft.technologies ?? [],
    tags: draft.tags ?? [],
    insights: draft.insights ?? [],
    contentType: 'context',
    creatorRole: 'backend_developer',
    createdAt: '2026-12-03T00:00:00.000Z',
    updatedAt: '2026-12-03T00:00:00.000Z',
    ...(draft.purpose === undefined ? {} : { purpose: draft.purpose }),
    ...(draft.body === undefined ? {} : { body: draft.body }),
    ...(draft.metadata === undefined ? {} : { metadata: draft.metadata })
  }
}

const ADDRESSES = ['ucxl://p/src/net/x.ts', 'ucxl://p/src/net', 'ucxl://p/src', 'ucxl://p']
/** Levels nearest first; any of them may be missing. */
const levels = fc.array(fc.option(draftArbitrary(), { nil: undefined }), { minLength: 4, maxLength: 4 })
  .map(drafts => drafts.flatMap((draft, i) => draft === undefined ? [] : [itemAt(ADDRESSES[i] as string, draft)]))

/** The definition, field by field, written without the fold. */
function oracle (items: readonly ContextItem[], own: string): ResolvedItem {
  const firstWith = (pick: (item: ContextItem) => string | undefined): { value: string, from: string } | undefined => {
    for (const item of items) {
      const value = pick(item)
      if (value !== undefined && value !== '') return { value, from: item.address }
    }
    return undefined
  }
  const lists = Object.fromEntries(LIST_FIELDS.map(field => {
    const out: Array<{ value: string, from: string }> = []
    for (const item of items) for (const value of item[field]) if (value !== '' && !out.some(entry => entry.value === value)) out.push({ value, from: item.address })
    return [field, out]
  }))
  const names = [...new Set(items.flatMap(item => Object.keys(item.metadata ?? {})))]
  const meta: Record<string, { value: string, from: string }> = {}
  for (const name of names) {
    const found = firstWith(item => item.metadata?.[name])
    if (found !== undefined) meta[name] = found
  }
  const summary = firstWith(item => item.summary)
  const purpose = firstWith(item => item.purpose)
  const body = firstWith(item => item.address === own ? item.body : undefined)
  return {
    ...(summary === undefined ? {} : { summary }),
    ...(purpose === undefined ? {} : { purpose }),
    ...(body === undefined ? {} : { body }),
    ...lists,
    metadata: meta
  } as unknown as ResolvedItem
}

/** What a reader sees, without where each value came from. */
function values (resolved: ResolvedItem): unknown {
  return {
    summary: resolved.summary?.value,
    purpose: resolved.purpose?.value,
    body: resolved.body?.value,
    ...Object.fromEntries(LIST_FIELDS.map(field => [field, resolved[field].map(entry => entry.value).sort()])),
    metadata: Object.fromEntries(Object.entries(resolved.metadata).map(([name, entry]) => [name, entry.value]))
  }
}

describe('hierarchical resolution', () => {
  it('equals its field-by-field definition: lists are unions, a scalar comes from the nearest level that has it', () => {
    fc.assert(fc.property(levels, items => {
      expect(resolveLevels(items, ADDRESSES[0])).toEqual(oracle(items, ADDRESSES[0] as string))
    }), { seed: 0x5e50, numRuns: 500 })
  })

  it('resolving a path equals adding its own level to what its parent resolved to', () => {
    fc.assert(fc.property(levels, items => {
      const [own, ...above] = items
      fc.pre(own !== undefined)
      const parent = resolveLevels(above)
      expect(resolveLevels(items, own?.address)).toEqual(addFartherLevelFirst(own as ContextItem, parent))
    }), { seed: 0x5e51, numRuns: 300 })
  })

  it('a write that leaves out what it inherits resolves to the same values as the whole write', () => {
    fc.assert(fc.property(draftArbitrary(), levels, (draft, items) => {
      const above = items.filter(item => item.address !== ADDRESSES[0])
      const inherited = resolveLevels(above)
      const own = ADDRESSES[0] as string
      const whole = resolveLevels([itemAt(own, draft), ...above], own)
      const slim = resolveLevels([itemAt(own, withoutInherited(draft, inherited)), ...above], own)
      expect(values(slim)).toEqual(values(whole))
    }), { seed: 0x5e52, numRuns: 500 })
  })

  it('leaves out exactly the inherited list entries, and keeps summary and body', () => {
    const inherited = resolveLevels([itemAt('ucxl://p/src', { summary: 'src', technologies: ['ts', 'libp2p'], tags: ['core'], purpose: 'the product', metadata: { owner: 'net' } })])
    const draft = { summary: 'x', body: 'b', technologies: ['ts', 'age'], tags: ['core'], purpose: 'the product', metadata: { owner: 'net', tier: '1' } }
    expect(withoutInherited(draft, inherited)).toEqual({ summary: 'x', body: 'b', technologies: ['age'], metadata: { tier: '1' } })
  })
})

/** The address's own level added in front of its parent's resolution. */
function addFartherLevelFirst (own: ContextItem, parent: ResolvedItem): ResolvedItem {
  const alone = addFartherLevel(resolveLevels([]), own, true)
  // The own level wins every scalar it has; the parent fills the rest and adds list values after it.
  let merged: ResolvedItem = alone
  const fill = <T>(have: T | undefined, other: T | undefined): T | undefined => have ?? other
  const summary = fill(merged.summary, parent.summary)
  const purpose = fill(merged.purpose, parent.purpose)
  merged = {
    ...(summary === undefined ? {} : { summary }),
    ...(purpose === undefined ? {} : { purpose }),
    ...(merged.body === undefined ? {} : { body: merged.body }),
    technologies: appendNew(merged.technologies, parent.technologies),
    tags: appendNew(merged.tags, parent.tags),
    insights: appendNew(merged.insights, parent.insights),
    metadata: { ...parent.metadata, ...merged.metadata }
  }
  return merged
}

function appendNew<T extends { value: string }> (first: readonly T[], then: readonly T[]): T[] {
  return [...first, ...then.filter(entry => !first.some(have => have.value === entry.value))]
}
