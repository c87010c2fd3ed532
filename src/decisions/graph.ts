import { normaliseAddress, parentAddress } from '../address/index.ts'
import type { ContextItem } from '../record/context-item.ts'
import type { DecisionFields, DecisionLinkType, DecisionStatus } from './decision-fields.ts'

/** A decision item and when its record was last updated. */
export interface DecisionNode {
  readonly item: ContextItem & { readonly decision: DecisionFields }
  readonly updated: number
}

/** A link as followed from one decision to the next: forward, or backward under its inverse name. */
export type FollowedLink = DecisionLinkType | 'superseded_by' | 'amended_by'

export interface ChainStep {
  readonly from: string
  readonly link: FollowedLink
  readonly to: string
}

export interface DecisionHit {
  readonly address: string
  readonly summary: string
  readonly status: DecisionStatus
  /** 0: it affects the address or an ancestor; n: n links from such a decision. */
  readonly hop: number
  /** The address (the one asked about, or an ancestor) that the first decision of the chain affects. */
  readonly affects: string
  /** The links followed to reach it, in order; empty at hop 0. */
  readonly chain: readonly ChainStep[]
  readonly decision: DecisionFields
  /** When it came into force (validAt, or when it was first written), ISO 8601. */
  readonly date: string
  readonly updated: number
}

export interface DecisionQuery {
  /** Links to follow from the decisions that affect the address. Default 3. */
  readonly hops?: number
  /** Only decisions in force at this time (ms or ISO 8601); superseded ones included if they were then. */
  readonly asOf?: number | string
  /** Also return decisions whose status is superseded (always passed through, to reach what replaced them). */
  readonly includeSuperseded?: boolean
  /** Links followed from one decision at most. Default 32. */
  readonly fanOut?: number
}

export const DEFAULT_HOPS = 3
const INVERSE: Readonly<Record<DecisionLinkType, FollowedLink>> = { supersedes: 'superseded_by', amends: 'amended_by', relates: 'relates' }
const LINK_ORDER: readonly FollowedLink[] = ['supersedes', 'superseded_by', 'amends', 'amended_by', 'relates']

/**
 * The decisions that bear on an address (seed 001's decision-hop analysis):
 * those that affect it or a folder above it (hop 0), then those linked to
 * them either way, breadth first, up to `hops`. Each comes once, at its
 * lowest hop, with the chain that explains it; cycles end where they meet a
 * decision already reached. Stable order: hop, latest in force first, then address.
 */
export function decisionsFor (nodes: readonly DecisionNode[], address: string, query: DecisionQuery = {}): DecisionHit[] {
  const hops = query.hops ?? DEFAULT_HOPS
  const fanOut = query.fanOut ?? 32
  const asOf = query.asOf === undefined ? undefined : typeof query.asOf === 'number' ? query.asOf : Date.parse(query.asOf)
  const byAddress = new Map(nodes.map(node => [node.item.address, node]))
  const edges = new Map<string, Array<{ link: FollowedLink, to: string }>>()
  const addEdge = (from: string, link: FollowedLink, to: string): void => {
    if (from === to || !byAddress.has(to)) return
    const list = edges.get(from) ?? []
    if (!list.some(edge => edge.link === link && edge.to === to)) list.push({ link, to })
    edges.set(from, list)
  }
  for (const node of nodes) {
    for (const link of node.item.decision.links) {
      addEdge(node.item.address, link.type, link.target)
      addEdge(link.target, INVERSE[link.type], node.item.address)
    }
  }
  for (const list of edges.values()) list.sort((a, b) => LINK_ORDER.indexOf(a.link) - LINK_ORDER.indexOf(b.link) || compare(a.to, b.to))

  const scope = new Set<string>()
  for (let at: string | undefined = normaliseAddress(address); at !== undefined; at = parentAddress(at)) scope.add(at)
  const reached = new Map<string, { hop: number, affects: string, chain: ChainStep[] }>()
  let frontier: string[] = []
  for (const node of [...nodes].sort(newestFirst)) {
    const affected = node.item.decision.affects.find(target => scope.has(target))
    if (affected !== undefined && !reached.has(node.item.address)) {
      reached.set(node.item.address, { hop: 0, affects: affected, chain: [] })
      frontier.push(node.item.address)
    }
  }
  for (let hop = 1; hop <= hops && frontier.length > 0; hop++) {
    const next: string[] = []
    for (const from of frontier) {
      const origin = reached.get(from) as { affects: string, chain: ChainStep[] }
      for (const edge of (edges.get(from) ?? []).slice(0, fanOut)) {
        if (reached.has(edge.to)) continue
        reached.set(edge.to, { hop, affects: origin.affects, chain: [...origin.chain, { from, link: edge.link, to: edge.to }] })
        next.push(edge.to)
      }
    }
    frontier = next
  }

  const hits: DecisionHit[] = []
  for (const [at, how] of reached) {
    const node = byAddress.get(at) as DecisionNode
    if (!eligible(node, asOf, query.includeSuperseded === true)) continue
    hits.push({ address: at, summary: node.item.summary, status: node.item.decision.status, hop: how.hop, affects: how.affects, chain: how.chain, decision: node.item.decision, date: dateOf(node), updated: node.updated })
  }
  return hits.sort((a, b) => a.hop - b.hop || compare(b.date, a.date) || compare(a.address, b.address))
}

/** Whether a decision belongs in the answer: in force at asOf, or (without asOf) not superseded unless asked for. */
function eligible (node: DecisionNode, asOf: number | undefined, includeSuperseded: boolean): boolean {
  const { decision, createdAt } = node.item
  if (asOf === undefined) return includeSuperseded || decision.status !== 'superseded'
  const from = Date.parse(decision.validAt ?? createdAt)
  const until = decision.invalidAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(decision.invalidAt)
  return from <= asOf && asOf < until
}

function newestFirst (a: DecisionNode, b: DecisionNode): number {
  return compare(dateOf(b), dateOf(a)) || compare(a.item.address, b.item.address)
}

/** When a decision came into force: a superseded one is rewritten later, but its date stays. */
function dateOf (node: DecisionNode): string {
  return new Date(Date.parse(node.item.decision.validAt ?? node.item.createdAt)).toISOString()
}

function compare (a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
