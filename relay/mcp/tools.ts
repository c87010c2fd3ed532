import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import * as z from 'zod'
import type { Listing, ListOptions } from '../../src/directory/directory.ts'
import { DECISION_LINKS, DECISION_STATUSES } from '../../src/decisions/decision-fields.ts'
import type { DecisionDraft } from '../../src/decisions/decision-fields.ts'
import type { DecisionsForOptions, RecordDecisionOptions, RecordedDecision } from '../../src/decisions/decisions.ts'
import type { DecisionHit } from '../../src/decisions/graph.ts'
import type { ContextDraft } from '../../src/record/context-item.ts'
import type { GetOptions, GetResult, PutOptions, PutResult, ReplicationStatus } from '../../src/peer/types.ts'
import type { FindResults } from '../../src/search/cache-search.ts'
import type { FollowOptions, FollowReport } from '../../src/search/follow.ts'
import type { FindQuery } from '../../src/search/search-index.ts'
import type { Resolution, ResolveOptions } from '../../src/resolve/index.ts'
import { CONTENT_TYPES } from '../../src/roles/authority.ts'
import { toolError, toolResult } from './tool-errors.ts'

/** What the tools need from a peer (SlurpPeer has all of it). */
export interface ContextAgent {
  get: (address: string, options?: GetOptions) => Promise<GetResult>
  cached: (address: string) => Promise<GetResult | undefined>
  resolve: (address: string, options?: ResolveOptions) => Promise<Resolution>
  list: (project: string, options?: ListOptions) => Promise<Listing>
  put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>
  find: (query: FindQuery) => Promise<FindResults>
  followProject: (project: string, options?: FollowOptions) => Promise<FollowReport>
  replicationStatus: (address: string) => Promise<ReplicationStatus>
  status: () => { peerId: string, connections: number, relays: string[], dhtMode: string }
  decisionsFor: (address: string, options?: DecisionsForOptions) => Promise<DecisionHit[]>
  recordDecision: (address: string, draft: ContextDraft & { decision: DecisionDraft }, options: RecordDecisionOptions) => Promise<RecordedDecision>
}

export interface ToolsInit {
  readonly agent: ContextAgent
  /** The roles this member holds keys for. */
  readonly roles: readonly string[]
  /** Items search_context reads from the relays per call to bring a project into its index. */
  readonly searchFetchLimit?: number
}

const address = z.string().describe('A ucxl:// address, e.g. ucxl://project/src/net/node.ts or ucxl://agent:role@project:task/path')
const role = z.string().describe('A role this server holds (context_status lists them)')
const loose = z.looseObject({})
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true }

/**
 * slurp's Model Context Protocol tools: snake_case, a JSON schema in and out,
 * structured results, and every error as a tool error with a hint.
 */
export function registerTools (server: McpServer, init: ToolsInit): void {
  const { agent } = init
  const run = async (work: () => Promise<Record<string, unknown>>): Promise<ReturnType<typeof toolResult>> => {
    try {
      return toolResult(await work())
    } catch (error) {
      return toolError(error)
    }
  }

  server.registerTool('get_context', {
    title: 'Get context',
    description: 'Read the current context item stored at an address, verified and decrypted with the roles this server holds, with its version, author role and any concurrent versions.',
    inputSchema: { address, role: role.optional().describe('Read as this role only') },
    outputSchema: { item: loose, meta: loose, conflicts: z.array(loose) },
    annotations: READ_ONLY
  }, async ({ address, role }) => await run(async () => {
    const { item, meta, conflicts } = await agent.get(address, role === undefined ? {} : { as: role })
    return { item, meta, conflicts }
  }))

  server.registerTool('resolve_context', {
    title: 'Resolve context with its folders',
    description: 'Read an address merged with the context of the folders above it (up to depth levels, default 3): tags, technologies and insights are unions; summary, purpose and metadata come from the nearest level; every value says which address it came from.',
    inputSchema: {
      address,
      depth: z.number().int().min(0).max(16).optional().describe('Folder levels above the address (default 3)'),
      role: role.optional(),
      max_age_ms: z.number().int().min(0).optional().describe('Take levels read this recently from the cache')
    },
    outputSchema: { address: z.string(), resolved: loose, levels: z.array(loose) },
    annotations: READ_ONLY
  }, async ({ address, depth, role, max_age_ms: maxAgeMs }) => await run(async () => {
    const resolution = await agent.resolve(address, { ...(depth === undefined ? {} : { depth }), ...(role === undefined ? {} : { as: role }), ...(maxAgeMs === undefined ? {} : { maxAgeMs }) })
    return { address: resolution.address, resolved: resolution.resolved, levels: resolution.levels.map(({ item: _item, ...level }) => level) }
  }))

  server.registerTool('list_context', {
    title: 'List context addresses',
    description: 'List every address of a project (optionally under a path prefix) that the roles this server holds can read, with its item type and the roles it was written as.',
    inputSchema: {
      project: z.string().describe('The project, e.g. "project123" or "ucxl://project123"'),
      prefix: z.string().optional().describe('Only addresses under this path, e.g. "src/net"'),
      role: role.optional()
    },
    outputSchema: { project: z.string(), entries: z.array(z.object({ address: z.string(), type: z.string(), roles: z.array(z.string()) })), unreachable: z.number(), skipped: z.number() },
    annotations: READ_ONLY
  }, async ({ project, prefix, role }) => await run(async () => {
    const listing = await agent.list(project, { ...(prefix === undefined ? {} : { prefix }), ...(role === undefined ? {} : { as: role }) })
    return { ...listing, entries: listing.entries.map(entry => ({ ...entry, roles: [...entry.roles] })) }
  }))

  server.registerTool('search_context', {
    title: 'Search context',
    description: 'Full-text search (BM25; summary, tags and path weigh most; prefixes and small typos match) over the context this server\'s roles can read, with filters, facet counts and a highlighted snippet per hit («…» marks the matches). With a project, first reads the project\'s items this server has not read yet, so the search covers all of them.',
    inputSchema: {
      query: z.string().optional().describe('Words to find; without it, the newest items that pass the filters'),
      project: z.string().optional(),
      type: z.enum(CONTENT_TYPES).optional(),
      role: z.string().optional().describe('Only items written as this role'),
      tags: z.array(z.string()).optional().describe('Only items with every one of these tags'),
      status: z.string().optional().describe('Only decisions with this status'),
      limit: z.number().int().min(1).max(200).optional().describe('At most this many results (default 20)')
    },
    outputSchema: {
      total: z.number(),
      results: z.array(z.object({ address: z.string(), summary: z.string(), type: z.string(), role: z.string(), updated: z.string(), tags: z.array(z.string()), score: z.number(), snippet: z.string().optional() })),
      facets: z.object({ type: z.record(z.string(), z.number()), role: z.record(z.string(), z.number()), project: z.record(z.string(), z.number()), tags: z.record(z.string(), z.number()) }),
      read: z.number().describe('Items read from the relays for this search'),
      unread: z.number().describe('Items of the project still not read (over the per-call limit)')
    },
    annotations: READ_ONLY
  }, async ({ query, project, type, role, tags, status, limit }) => await run(async () => {
    const followed = project === undefined ? { read: 0, unread: 0 } : await agent.followProject(project, { limit: init.searchFetchLimit ?? 500 })
    const found = await agent.find({
      ...(query === undefined ? {} : { text: query }),
      ...(project === undefined ? {} : { project: project.replace(/^ucxl:\/\//, '').replace(/\/.*$/, '') }),
      ...(type === undefined ? {} : { type }),
      ...(role === undefined ? {} : { role }),
      ...(tags === undefined ? {} : { tags }),
      ...(status === undefined ? {} : { status }),
      limit: limit ?? 20
    })
    const results = found.hits.map(({ result: { item, meta }, score, snippet }) => ({
      address: item.address,
      summary: item.summary,
      type: meta.contentType,
      role: meta.role,
      updated: new Date(meta.updated).toISOString(),
      tags: [...item.tags],
      score,
      ...(snippet === undefined ? {} : { snippet: snippet.parts.map(part => part.match ? `«${part.text}»` : part.text).join('') })
    }))
    return { total: found.total, results, facets: found.facets, read: followed.read, unread: followed.unread }
  }))

  server.registerTool('put_context', {
    title: 'Write context',
    description: 'Write a new version of the context at an address as one of the roles this server holds: encrypted to that role\'s readers, signed, stored on the closest relays. With inherit, fields the folders above already give are not stored again.',
    inputSchema: {
      address,
      role: role.describe('The role to write as: what it writes is readable by that role\'s readers'),
      summary: z.string().min(1),
      purpose: z.string().optional(),
      body: z.string().optional().describe('Free text: the file description, the decision record, the task brief'),
      tags: z.array(z.string()).optional(),
      technologies: z.array(z.string()).optional(),
      insights: z.array(z.string()).optional(),
      type: z.enum(CONTENT_TYPES).optional().describe('Default context; a suggestion is stored beside the context, never over it'),
      inherit: z.boolean().optional()
    },
    outputSchema: { address: z.string(), key: z.string(), version: z.record(z.string(), z.number()), replicas: z.number(), target: z.number() },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }
  }, async ({ address, role, type, inherit, ...fields }) => await run(async () => {
    const draft = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as unknown as ContextDraft
    const result = await agent.put(address, draft, { as: role, ...(type === undefined ? {} : { type }), ...(inherit === undefined ? {} : { inherit }) })
    return { ...result, version: { ...result.version } }
  }))

  server.registerTool('record_decision', {
    title: 'Record a decision',
    description: 'Write a decision at its own address (e.g. ucxl://project/decisions/0007-use-raft): what it affects (a folder affects everything under it), its status, rationale, alternatives considered, and links to decisions it supersedes, amends or relates to. Each decision it supersedes is marked superseded too.',
    inputSchema: {
      address,
      role: role.describe('A role that may write decisions'),
      summary: z.string().min(1).describe('The decision, in one line'),
      body: z.string().optional().describe('The decision record: context, options, outcome'),
      status: z.enum(DECISION_STATUSES).optional().describe('Default accepted'),
      affects: z.array(z.string()).optional().describe('ucxl:// addresses it affects'),
      links: z.array(z.object({ type: z.enum(DECISION_LINKS), target: z.string() })).optional(),
      rationale: z.string().optional(),
      alternatives: z.array(z.string()).optional(),
      decided_by: z.string().optional(),
      valid_at: z.string().optional().describe('When it comes into force (ISO 8601); default now')
    },
    outputSchema: { written: loose, superseded: z.array(z.object({ address: z.string(), written: loose.optional(), error: z.string().optional() })) },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true }
  }, async ({ address, role, summary, body, status, affects, links, rationale, alternatives, decided_by: decidedBy, valid_at: validAt }) => await run(async () => {
    const decision: DecisionDraft = {
      status: status ?? 'accepted',
      ...(affects === undefined ? {} : { affects }),
      ...(links === undefined ? {} : { links }),
      ...(rationale === undefined ? {} : { rationale }),
      ...(alternatives === undefined ? {} : { alternatives }),
      ...(decidedBy === undefined ? {} : { decidedBy }),
      ...(validAt === undefined ? {} : { validAt })
    }
    const result = await agent.recordDecision(address, { summary, ...(body === undefined ? {} : { body }), decision }, { as: role })
    return {
      written: { ...result.written },
      superseded: result.superseded.map(entry => ({ address: entry.address, ...(entry.written === undefined ? {} : { written: { ...entry.written } }), ...(entry.error === undefined ? {} : { error: `${entry.error.name}: ${entry.error.message}` }) }))
    }
  }))

  server.registerTool('decisions_for', {
    title: 'Decisions for an address',
    description: 'The decisions that bear on an address: those affecting it or a folder above it (hop 0), then those linked to them by supersedes, amends or relates (either way), up to hops; each with its hop count, the chain of links that explains it, its status and the date it came into force.',
    inputSchema: {
      address,
      hops: z.number().int().min(0).max(10).optional().describe('Links to follow (default 3)'),
      as_of: z.string().optional().describe('Only what was in force at this time (ISO 8601)'),
      include_superseded: z.boolean().optional()
    },
    outputSchema: { decisions: z.array(z.object({ address: z.string(), summary: z.string(), status: z.string(), hop: z.number(), affects: z.string(), date: z.string(), chain: z.array(z.object({ from: z.string(), link: z.string(), to: z.string() })), decision: loose })) },
    annotations: READ_ONLY
  }, async ({ address, hops, as_of: asOf, include_superseded: includeSuperseded }) => await run(async () => {
    const hits = await agent.decisionsFor(address, { ...(hops === undefined ? {} : { hops }), ...(asOf === undefined ? {} : { asOf }), ...(includeSuperseded === undefined ? {} : { includeSuperseded }) })
    return { decisions: hits.map(({ updated: _updated, ...hit }) => ({ ...hit, chain: hit.chain.map(step => ({ ...step })) })) }
  }))

  server.registerTool('context_status', {
    title: 'Context status',
    description: 'This server\'s member: the roles it holds and its connections to the relays; with an address, which of the relays responsible for it hold it (replication health).',
    inputSchema: { address: address.optional() },
    outputSchema: { roles: z.array(z.string()), peer: loose, address: loose.optional() },
    annotations: READ_ONLY
  }, async ({ address }) => await run(async () => ({
    roles: [...init.roles],
    peer: agent.status(),
    ...(address === undefined ? {} : { address: await agent.replicationStatus(address) })
  })))
}
