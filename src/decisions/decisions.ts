import { normaliseAddress } from '../address/index.ts'
import type { Listing, ListOptions } from '../directory/directory.ts'
import { projectOf } from '../directory/layout.ts'
import { SlurpError, throwIfAborted } from '../errors.ts'
import { inParallel } from '../lock/in-parallel.ts'
import { freshCopy } from '../peer/fresh-copy.ts'
import type { ContextDraft, ContextItem } from '../record/context-item.ts'
import type { GetOptions, GetResult, PutOptions, PutResult } from '../peer/types.ts'
import type { DecisionDraft, DecisionFields } from './decision-fields.ts'
import { decisionsFor } from './graph.ts'
import type { DecisionHit, DecisionNode, DecisionQuery } from './graph.ts'

/** What decisions need from a peer. */
export interface DecisionSource {
  list: (project: string, options: ListOptions) => Promise<Listing>
  get: (address: string, options: GetOptions) => Promise<GetResult>
  cached: (address: string) => Promise<GetResult | undefined>
  put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>
  /** Whether this member holds `role` (to mark a superseded decision in its own role). */
  holds: (role: string) => boolean
}

export interface DecisionsForOptions extends DecisionQuery {
  /** Decisions read within this long are taken from the cache (and the project's listing too). Default 0. */
  readonly maxAgeMs?: number
  readonly signal?: AbortSignal
}

export interface RecordDecisionOptions {
  readonly as: string
  readonly signal?: AbortSignal
}

export interface RecordedDecision {
  readonly written: PutResult
  /** The decisions it supersedes, each marked superseded (or why it could not be). */
  readonly superseded: ReadonlyArray<{ readonly address: string, readonly written?: PutResult, readonly error?: SlurpError }>
}

/**
 * Decisions as a graph over the project's directory: every decision item the
 * member can read is a node, its links are edges. Relays see none of it.
 */
export class Decisions {
  constructor (private readonly source: DecisionSource) {}

  async decisionsFor (address: string, options: DecisionsForOptions = {}): Promise<DecisionHit[]> {
    const canonical = normaliseAddress(address)
    const maxAgeMs = options.maxAgeMs ?? 0
    const signal = options.signal === undefined ? {} : { signal: options.signal }
    const listing = await this.source.list(projectOf(canonical), { maxAgeMs, ...signal })
    const nodes: DecisionNode[] = []
    const decisions = listing.entries.filter(entry => entry.type === 'decision').map(entry => entry.address)
    await inParallel(decisions, 16, async at => {
      const result = await this.read(at, maxAgeMs, options.signal)
      if (result?.item.decision !== undefined) nodes.push({ item: result.item as DecisionNode['item'], updated: result.meta.updated })
    })
    throwIfAborted(options.signal)
    return decisionsFor(nodes, canonical, options)
  }

  /**
   * Writes a decision; each decision it supersedes is written again marked
   * superseded, no longer in force from when this one is, so both sides say so.
   */
  async record (address: string, draft: ContextDraft & { decision: DecisionDraft }, options: RecordDecisionOptions): Promise<RecordedDecision> {
    const validAt = draft.decision.validAt ?? new Date().toISOString()
    const written = await this.source.put(address, { ...draft, decision: { ...draft.decision, validAt } }, { as: options.as, type: 'decision', ...(options.signal === undefined ? {} : { signal: options.signal }) })
    const superseded = await Promise.all((draft.decision.links ?? []).filter(link => link.type === 'supersedes').map(async ({ target }) => {
      try {
        const old = await this.source.get(target, options.signal === undefined ? {} : { signal: options.signal })
        const fields = old.item.decision
        if (fields === undefined) return { address: target }
        if (fields.status === 'superseded') return { address: target }
        const role = this.source.holds(old.meta.role) ? old.meta.role : options.as
        const marked: DecisionFields = { ...fields, status: 'superseded', invalidAt: validAt }
        return { address: target, written: await this.source.put(target, { ...draftOf(old.item), decision: marked }, { as: role, type: 'decision' }) }
      } catch (error) {
        if (!(error instanceof SlurpError)) throw error
        return { address: target, error }
      }
    }))
    return { written, superseded }
  }

  private async read (address: string, maxAgeMs: number, signal?: AbortSignal): Promise<GetResult | undefined> {
    const fresh = await freshCopy(async at => await this.source.cached(at), address, { maxAgeMs })
    if (fresh !== undefined) return fresh
    // A decision that vanished or that these roles cannot read is simply not in the graph.
    return await this.source.get(address, signal === undefined ? {} : { signal }).catch((error: unknown) => {
      if (error instanceof SlurpError) return undefined
      throw error
    })
  }
}

/** An item as a draft again: what a writer supplied, without what the record fills in. */
function draftOf (item: ContextItem): ContextDraft {
  const { address: _address, creatorRole: _role, createdAt: _created, updatedAt: _updated, ...draft } = item
  return draft
}
