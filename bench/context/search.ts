import type { GetResult } from '../../src/peer/types.ts'
import { SearchIndex } from '../../src/search/search-index.ts'
import { median, percentile } from '../stats.ts'

const WORDS = ['relay', 'replica', 'record', 'decision', 'rotation', 'reader', 'key', 'policy', 'directory', 'shard', 'listing', 'search', 'index', 'snippet',
  'libp2p', 'kademlia', 'age', 'stanza', 'epoch', 'member', 'certificate', 'gateway', 'browser', 'tab', 'cache', 'vault', 'quota', 'backoff', 'retry', 'leader']

/** A deterministic item: text drawn from a small vocabulary, like context about one code base. */
function item (i: number): GetResult {
  let seed = i * 2654435761 >>> 0
  const next = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed }
  const words = (n: number): string => Array.from({ length: n }, () => WORDS[next() % WORDS.length]).join(' ')
  return {
    item: {
      address: `ucxl://bench/src/module-${i % 100}/file-${i}.ts`,
      summary: words(6),
      body: words(60),
      technologies: ['typescript'],
      tags: [WORDS[next() % WORDS.length] as string, WORDS[next() % WORDS.length] as string],
      insights: [],
      contentType: 'context',
      creatorRole: 'backend_developer',
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-01T00:00:00Z'
    },
    meta: { key: `k${i}`, version: {}, author: 'a', role: i % 3 === 0 ? 'devops_engineer' : 'backend_developer', contentType: i % 10 === 0 ? 'task' : 'context', created: i, updated: i, replicas: 3, readAs: 'backend_developer' },
    conflicts: [],
    fetchedAt: i
  }
}

export interface SearchFigures {
  readonly items: number
  readonly indexPerSecond: number
  readonly queryMs: readonly number[]
  readonly filteredMs: readonly number[]
  readonly loadMs: number
}

/** Indexing rate, query latency over `count` items, and loading the saved index. */
export function searchFigures (count: number): SearchFigures {
  const results = Array.from({ length: count }, (_, i) => item(i))
  const index = SearchIndex.empty()
  const started = performance.now()
  index.putAll(results)
  const indexPerSecond = count / ((performance.now() - started) / 1000)
  const queries = ['relay rotation', 'kadem', 'decision leader', 'snippet', 'reader key epoch', 'gatewy', 'cache vault quota', 'tab']
  const queryMs: number[] = []
  const filteredMs: number[] = []
  for (let round = 0; round < 30; round++) {
    for (const text of queries) {
      let at = performance.now()
      index.find({ text, limit: 20 })
      queryMs.push(performance.now() - at)
      at = performance.now()
      index.find({ text, role: 'backend_developer', type: 'context', project: 'bench', limit: 20 })
      filteredMs.push(performance.now() - at)
    }
  }
  const json = JSON.stringify(index.toJSON())
  const loadStarted = performance.now()
  SearchIndex.load(json)
  return { items: count, indexPerSecond, queryMs: queryMs.slice(queries.length), filteredMs: filteredMs.slice(queries.length), loadMs: performance.now() - loadStarted }
}

export function describeSearch (figures: SearchFigures): string[] {
  return [
    `| search over ${figures.items} items | figure |`,
    '|---|---:|',
    `| indexing | ${Math.round(figures.indexPerSecond)} items/s |`,
    `| query, p50 / p99 (with facets over every match) | ${median(figures.queryMs).toFixed(2)} / ${percentile(figures.queryMs, 99).toFixed(2)} ms |`,
    `| query with role, type and project filters, p50 / p99 | ${median(figures.filteredMs).toFixed(2)} / ${percentile(figures.filteredMs, 99).toFixed(2)} ms |`,
    `| loading the saved index | ${figures.loadMs.toFixed(0)} ms |`
  ]
}
