import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { GetResult } from '../../src/peer/types.ts'
import { SearchIndex } from '../../src/search/search-index.ts'
import { snippetOf } from '../../src/search/snippet.ts'

function result (address: string, fields: { summary: string, body?: string, tags?: string[], technologies?: string[], type?: string, role?: string, updated?: number }): GetResult {
  return {
    item: {
      address,
      summary: fields.summary,
      technologies: fields.technologies ?? [],
      tags: fields.tags ?? [],
      insights: [],
      contentType: (fields.type ?? 'context') as 'context',
      creatorRole: fields.role ?? 'backend_developer',
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      ...(fields.body === undefined ? {} : { body: fields.body })
    },
    meta: { key: 'k', version: {}, author: 'a', role: fields.role ?? 'backend_developer', contentType: fields.type ?? 'context', created: 0, updated: fields.updated ?? 0, replicas: 3, readAs: 'backend_developer' },
    conflicts: [],
    fetchedAt: 1
  }
}

// A fixed corpus: the ranking below is what users get, so it is pinned.
const CORPUS = [
  result('ucxl://p/src/net/node.ts', { summary: 'creates the libp2p node', tags: ['network'], technologies: ['libp2p'], updated: 5 }),
  result('ucxl://p/src/net/closest.ts', { summary: 'finds the closest relays for a key', body: 'Asks the DHT when fewer than k relays are known; libp2p peer routing underneath.', tags: ['network', 'dht'], updated: 4 }),
  result('ucxl://p/docs/relays.md', { summary: 'how to run relays', body: 'Relays store what they cannot read. A node joins with a bootstrap list.', tags: ['ops'], type: 'task', role: 'devops_engineer', updated: 3 }),
  result('ucxl://p/decisions/1', { summary: 'use Kademlia for routing', body: 'Alternatives: a central index (rejected: it would see addresses).', tags: ['dht'], type: 'decision', role: 'senior_architect', updated: 2 }),
  result('ucxl://q/web/app.ts', { summary: 'the web app', body: 'Runs a browser node in client mode.', tags: ['web'], updated: 1 })
]

function indexed (): SearchIndex {
  const index = SearchIndex.empty()
  index.putAll(CORPUS)
  return index
}

describe('the search index', () => {
  it('ranks by BM25 with the summary, tags and path weighing most', () => {
    const index = indexed()
    // In the summary and path first; then the shorter body before the longer one (BM25's length normalisation).
    expect(index.find({ text: 'node' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/node.ts', 'ucxl://q/web/app.ts', 'ucxl://p/docs/relays.md'])
    expect(index.find({ text: 'relays' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/docs/relays.md', 'ucxl://p/src/net/closest.ts'])
    // Every word must match; prefixes and a typo in a longer word do.
    expect(index.find({ text: 'libp2p closest' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/closest.ts'])
    expect(index.find({ text: 'kadem' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/decisions/1'])
    expect(index.find({ text: 'kademlai' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/decisions/1'])
    expect(index.find({ text: 'nothing-like-this' }).total).toBe(0)
  })

  it('filters by project, role, type, tags and dates, and counts facets over every match', () => {
    const index = indexed()
    const page = index.find({ project: 'p' })
    expect(page.total).toBe(4)
    // Without words: newest first.
    expect(page.hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/node.ts', 'ucxl://p/src/net/closest.ts', 'ucxl://p/docs/relays.md', 'ucxl://p/decisions/1'])
    expect(page.facets).toEqual({
      type: { context: 2, task: 1, decision: 1 },
      role: { backend_developer: 2, devops_engineer: 1, senior_architect: 1 },
      project: { p: 4 },
      tags: { network: 2, dht: 2, ops: 1 }
    })
    expect(index.find({ tags: ['network', 'dht'] }).hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/closest.ts'])
    expect(index.find({ type: 'task' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/docs/relays.md'])
    expect(index.find({ role: 'senior_architect', text: 'routing' }).total).toBe(1)
    expect(index.find({ since: 3, until: 4 }).hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/closest.ts', 'ucxl://p/docs/relays.md'])
    expect(index.find({ text: 'node', limit: 1 })).toMatchObject({ total: 3, hits: [{ address: 'ucxl://p/src/net/node.ts' }] })
  })

  it('replaces an item on update, forgets it on removal, and survives a save and load', () => {
    const index = indexed()
    index.put(result('ucxl://p/src/net/node.ts', { summary: 'creates the transport', updated: 9 }))
    expect(index.find({ text: 'libp2p node' }).hits.map(hit => hit.address)).toEqual([])
    index.remove('ucxl://q/web/app.ts')
    const again = SearchIndex.load(JSON.stringify(index.toJSON()))
    expect(again.size).toBe(4)
    expect(again.find({ text: 'transport' }).hits.map(hit => hit.address)).toEqual(['ucxl://p/src/net/node.ts'])
    expect(again.find({ text: 'browser' }).total).toBe(0)
  })
})

describe('snippets', () => {
  it('mark every term in a window that contains the first match; the parts give back the window', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }), (text, terms) => {
      const snippet = snippetOf('body', text, terms)
      const lower = text.toLowerCase()
      if (!terms.some(term => lower.includes(term.toLowerCase()))) {
        expect(snippet).toBeUndefined()
        return
      }
      expect(snippet).toBeDefined()
      const parts = snippet?.parts ?? []
      const inner = parts.filter((part, i) => !(part.text === '…' && !part.match && (i === 0 || i === parts.length - 1)))
      expect(text).toContain(inner.map(part => part.text).join(''))
      for (const part of parts.filter(part => part.match)) expect(terms.map(term => term.toLowerCase())).toContain(part.text.toLowerCase())
      expect(parts.some(part => part.match)).toBe(true)
    }), { seed: 0x5417, numRuns: 500 })
  })
})
