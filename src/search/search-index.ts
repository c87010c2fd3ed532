import MiniSearch from 'minisearch'
import { parseAddress } from '../address/index.ts'
import type { GetResult } from '../peer/types.ts'
import { snippetOf } from './snippet.ts'
import type { Snippet } from './snippet.ts'

/** What find() matches: every field given must match. */
export interface FindQuery {
  /** Words, ranked by BM25 (summary, tags and the address weigh most); prefixes and small typos match too. */
  readonly text?: string
  readonly project?: string
  /** The role that wrote it. */
  readonly role?: string
  readonly type?: string
  /** Every one of these tags. */
  readonly tags?: readonly string[]
  /** A decision's status. */
  readonly status?: string
  /** Updated at or after / before these times (ms since the epoch). */
  readonly since?: number
  readonly until?: number
  /** Hits returned (the facets count all of them). Default 20. */
  readonly limit?: number
}

export interface FindHit {
  readonly address: string
  /** BM25 with field boosts; 0 without text (newest first then). */
  readonly score: number
  /** The words of the item that matched (what a snippet marks). */
  readonly terms: readonly string[]
}

export interface Facets {
  readonly type: Readonly<Record<string, number>>
  readonly role: Readonly<Record<string, number>>
  readonly project: Readonly<Record<string, number>>
  readonly tags: Readonly<Record<string, number>>
}

export interface FindPage {
  /** How many items match (hits holds the first `limit`). */
  readonly total: number
  readonly hits: readonly FindHit[]
  readonly facets: Facets
}

interface IndexedDoc {
  id: string
  path: string
  summary: string
  purpose: string
  body: string
  tags: string
  technologies: string
  insights: string
  project: string
  role: string
  type: string
  status: string
  updated: number
  tagList: string[]
}

const FIELDS = ['path', 'summary', 'purpose', 'body', 'tags', 'technologies', 'insights']
const STORED = ['project', 'role', 'type', 'status', 'updated', 'tagList']
const OPTIONS = {
  idField: 'id',
  fields: FIELDS,
  storeFields: STORED,
  // Paths split on / . _ - too, so "net" finds ucxl://p/src/net/node.ts.
  tokenize: (text: string) => text.split(/[\s\p{P}\p{S}]+/u).filter(token => token !== ''),
  searchOptions: { boost: { summary: 3, tags: 2, path: 2, technologies: 1.5 }, prefix: true, fuzzy: (term: string) => term.length > 4 ? 0.2 : false, combineWith: 'AND' as const }
}
/** The format of a saved index: bump when FIELDS, STORED or OPTIONS change. */
export const INDEX_FORMAT = 1

/**
 * Full-text search over what a peer decrypted (MiniSearch: BM25, field
 * boosts, prefix and fuzzy matching), kept in step with its cache and saved
 * beside it. Relays cannot read context, so this is the only place it can be
 * searched.
 */
export class SearchIndex {
  private constructor (private readonly search: MiniSearch<IndexedDoc>) {}

  static empty (): SearchIndex {
    return new SearchIndex(new MiniSearch<IndexedDoc>(OPTIONS))
  }

  static load (json: string): SearchIndex {
    return new SearchIndex(MiniSearch.loadJSON<IndexedDoc>(json, OPTIONS))
  }

  toJSON (): unknown {
    return this.search.toJSON()
  }

  get size (): number {
    return this.search.documentCount
  }

  has (address: string): boolean {
    return this.search.has(address)
  }

  /** Adds or replaces what is indexed for the result's address. */
  put (result: GetResult): void {
    const doc = docOf(result)
    if (this.search.has(doc.id)) this.search.replace(doc)
    else this.search.add(doc)
  }

  /** Many at once (a rebuild): faster than one put each. */
  putAll (results: readonly GetResult[]): void {
    const fresh: IndexedDoc[] = []
    for (const result of results) {
      const doc = docOf(result)
      if (this.search.has(doc.id)) this.search.replace(doc)
      else fresh.push(doc)
    }
    this.search.addAll(fresh)
  }

  remove (address: string): void {
    if (this.search.has(address)) this.search.discard(address)
  }

  /** Every indexed address. */
  addresses (): string[] {
    return this.search.search(MiniSearch.wildcard).map(hit => hit.id as string)
  }

  /** Matching addresses, best first, with facet counts over all of them. */
  find (query: FindQuery): FindPage {
    const wanted = (fields: Record<string, unknown>): boolean => matches(fields, query)
    const text = query.text?.trim() ?? ''
    const found = text === ''
      ? this.search.search(MiniSearch.wildcard, { filter: wanted }).sort((a, b) => (b.updated as number) - (a.updated as number))
      : this.search.search(text, { filter: wanted })
    const facets = { type: {}, role: {}, project: {}, tags: {} } as Record<keyof Facets, Record<string, number>>
    for (const hit of found) {
      count(facets.type, hit.type as string)
      count(facets.role, hit.role as string)
      count(facets.project, hit.project as string)
      for (const tag of hit.tagList as string[]) count(facets.tags, tag)
    }
    const hits = found.slice(0, query.limit ?? 20).map(hit => ({ address: hit.id as string, score: text === '' ? 0 : hit.score, terms: [...hit.terms, ...hit.queryTerms] }))
    return { total: found.length, hits, facets }
  }
}

/** The text fields of a result, as snippets are cut from them. */
export function textFields (result: GetResult): Record<string, string> {
  const { item } = result
  return {
    summary: item.summary,
    body: item.body ?? '',
    purpose: item.purpose ?? '',
    tags: item.tags.join(', '),
    technologies: item.technologies.join(', '),
    insights: item.insights.join(' · '),
    address: item.address
  }
}

/** A snippet from the first field (summary first) that holds one of the terms. */
export function bestSnippet (result: GetResult, terms: readonly string[]): Snippet | undefined {
  if (terms.length === 0) return undefined
  const fields = textFields(result)
  for (const field of ['summary', 'body', 'purpose', 'tags', 'technologies', 'insights', 'address']) {
    const snippet = snippetOf(field, fields[field] ?? '', terms)
    if (snippet !== undefined) return snippet
  }
  return undefined
}

function docOf (result: GetResult): IndexedDoc {
  const { item, meta } = result
  let project = ''
  let path = item.address
  try {
    const parsed = parseAddress(item.address)
    project = parsed.project
    path = `${parsed.project} ${parsed.segments.join(' ')}`
  } catch {}
  return {
    id: item.address,
    path,
    summary: item.summary,
    purpose: item.purpose ?? '',
    body: item.body ?? '',
    tags: item.tags.join(' '),
    technologies: item.technologies.join(' '),
    insights: item.insights.join(' '),
    project,
    role: meta.role,
    type: meta.contentType,
    status: item.decision?.status ?? '',
    updated: meta.updated,
    tagList: [...item.tags]
  }
}

function matches (fields: Record<string, unknown>, query: FindQuery): boolean {
  if (query.project !== undefined && fields.project !== query.project.toLowerCase()) return false
  if (query.role !== undefined && fields.role !== query.role) return false
  if (query.type !== undefined && fields.type !== query.type) return false
  if (query.status !== undefined && fields.status !== query.status) return false
  if (query.since !== undefined && (fields.updated as number) < query.since) return false
  if (query.until !== undefined && (fields.updated as number) > query.until) return false
  if (query.tags !== undefined && !query.tags.every(tag => (fields.tagList as string[]).includes(tag))) return false
  return true
}

function count (into: Record<string, number>, key: string): void {
  if (key !== '') into[key] = (into[key] ?? 0) + 1
}
