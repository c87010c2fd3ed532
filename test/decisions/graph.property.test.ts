import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DECISION_LINKS } from '../../src/decisions/decision-fields.ts'
import type { DecisionFields, DecisionStatus } from '../../src/decisions/decision-fields.ts'
import { decisionsFor } from '../../src/decisions/graph.ts'
import type { DecisionNode } from '../../src/decisions/graph.ts'

const SCOPE = ['ucxl://p/src/net/x.ts', 'ucxl://p/src/net', 'ucxl://p/src', 'ucxl://p/']
const OTHER = ['ucxl://p/docs', 'ucxl://p/web/app.ts']
const decisionAddress = (i: number): string => `ucxl://p/decisions/d${i}`

function node (i: number, affects: string[], links: Array<{ type: typeof DECISION_LINKS[number], target: string }>, status: DecisionStatus, updated: number): DecisionNode {
  const decision: DecisionFields = { affects, links, status, alternatives: [] }
  return {
    item: { address: decisionAddress(i), summary: `d${i}`, technologies: [], tags: [], insights: [], contentType: 'decision', creatorRole: 'senior_architect', createdAt: new Date(Date.UTC(2026, 0, 1) + updated * 60_000).toISOString(), updatedAt: '2026-12-01T00:00:00.000Z', decision },
    updated
  }
}

/** Random decision graphs of up to 12 decisions, links anywhere (cycles and self-links included). */
const graphs = fc.integer({ min: 1, max: 12 }).chain(n => fc.array(fc.record({
  affects: fc.subarray([...SCOPE, ...OTHER], { maxLength: 2 }),
  links: fc.array(fc.record({ type: fc.constantFrom(...DECISION_LINKS), target: fc.integer({ min: 0, max: n }).map(decisionAddress) }), { maxLength: 4 }),
  status: fc.constantFrom<DecisionStatus>('proposed', 'accepted', 'rejected', 'deprecated', 'superseded'),
  updated: fc.integer({ min: 0, max: 1000 })
}), { minLength: n, maxLength: n }).map(specs => specs.map((spec, i) => node(i, spec.affects, spec.links, spec.status, spec.updated))))

/** Shortest number of links (either way) from a decision affecting the scope, by plain BFS. */
function distances (nodes: readonly DecisionNode[]): Map<string, number> {
  const known = new Set(nodes.map(n => n.item.address))
  const neighbours = new Map<string, Set<string>>()
  const link = (a: string, b: string): void => {
    if (a === b || !known.has(a) || !known.has(b)) return
    neighbours.set(a, (neighbours.get(a) ?? new Set()).add(b))
  }
  for (const n of nodes) for (const l of n.item.decision.links) { link(n.item.address, l.target); link(l.target, n.item.address) }
  const distance = new Map<string, number>()
  let frontier = nodes.filter(n => n.item.decision.affects.some(a => SCOPE.includes(a))).map(n => n.item.address)
  for (const at of frontier) distance.set(at, 0)
  for (let d = 1; frontier.length > 0; d++) {
    const next: string[] = []
    for (const at of frontier) for (const to of neighbours.get(at) ?? []) if (!distance.has(to)) { distance.set(to, d); next.push(to) }
    frontier = next
  }
  return distance
}

describe('decision hops', () => {
  it('on random graphs with cycles: terminates, never goes past hops, each decision once at its shortest distance, with a chain of real links', () => {
    fc.assert(fc.property(graphs, fc.integer({ min: 0, max: 4 }), (nodes, hops) => {
      const hits = decisionsFor(nodes, SCOPE[0] as string, { hops, includeSuperseded: true })
      const shortest = distances(nodes)
      const expected = [...shortest].filter(([, d]) => d <= hops).map(([address]) => address).sort()
      expect(hits.map(hit => hit.address).sort()).toEqual(expected)
      for (const hit of hits) {
        expect(hit.hop).toBe(shortest.get(hit.address))
        expect(hit.chain).toHaveLength(hit.hop)
        expect(SCOPE).toContain(hit.affects)
        for (const step of hit.chain) {
          const from = nodes.find(n => n.item.address === step.from)?.item.decision.links ?? []
          const to = nodes.find(n => n.item.address === step.to)?.item.decision.links ?? []
          const forward = from.some(l => l.target === step.to && l.type === step.link)
          const backward = to.some(l => l.target === step.from && ({ supersedes: 'superseded_by', amends: 'amended_by', relates: 'relates' } as const)[l.type] === step.link)
          expect(forward || backward).toBe(true)
        }
      }
      // Stable order: by hop, then latest in force first, then address.
      const sorted = [...hits].sort((a, b) => a.hop - b.hop || (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || (a.address < b.address ? -1 : 1))
      expect(hits).toEqual(sorted)
    }), { seed: 0xdec1, numRuns: 400 })
  })

  it('leaves superseded decisions out unless asked, but reaches what replaced them through them', () => {
    const old = node(0, ['ucxl://p/src'], [], 'superseded', 1)
    const replacement = node(1, ['ucxl://p/docs'], [{ type: 'supersedes', target: decisionAddress(0) }], 'accepted', 2)
    const hits = decisionsFor([old, replacement], 'ucxl://p/src/net/x.ts')
    expect(hits.map(hit => [hit.address, hit.hop, hit.chain.map(step => step.link)])).toEqual([[decisionAddress(1), 1, ['superseded_by']]])
    expect(decisionsFor([old, replacement], 'ucxl://p/src/net/x.ts', { includeSuperseded: true }).map(hit => hit.address)).toEqual([decisionAddress(0), decisionAddress(1)])
  })

  it('answers as of a time: what was in force then', () => {
    const before = { ...node(0, ['ucxl://p/src'], [], 'superseded', 1) }
    const timed = (n: DecisionNode, validAt: string, invalidAt?: string): DecisionNode => ({ ...n, item: { ...n.item, decision: { ...n.item.decision, validAt, ...(invalidAt === undefined ? {} : { invalidAt }) } } })
    const nodes = [timed(before, '2026-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'), timed(node(1, ['ucxl://p/src'], [{ type: 'supersedes', target: decisionAddress(0) }], 'accepted', 2), '2026-06-01T00:00:00.000Z')]
    expect(decisionsFor(nodes, 'ucxl://p/src/a.ts', { asOf: '2026-03-01T00:00:00Z' }).map(hit => hit.address)).toEqual([decisionAddress(0)])
    expect(decisionsFor(nodes, 'ucxl://p/src/a.ts', { asOf: Date.parse('2026-07-01T00:00:00Z') }).map(hit => hit.address)).toEqual([decisionAddress(1)])
    expect(decisionsFor(nodes, 'ucxl://p/src/a.ts', { asOf: '2025-12-01T00:00:00Z' })).toEqual([])
  })
})
