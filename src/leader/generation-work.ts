import { sha256 } from '@noble/hashes/sha2.js'
import { parseAddress } from '../address/index.ts'
import { toHex, utf8Encode } from '../encoding/bytes.ts'
import { InvalidQueueCommandError } from '../errors.ts'
import type { ContextDraft } from '../record/context-item.ts'
import type { PutOptions, PutResult } from '../peer/types.ts'
import type { Work } from '../raft/queue-worker.ts'

/** The hash a request names its source by: hex SHA-256 of its UTF-8 bytes. */
export function sourceHashOf (text: string): string {
  return toHex(sha256(utf8Encode(text)))
}

/** Turns one source into the context the leader stores; a generator (static, llm) behind it. */
export type DraftMaker = (input: { address: string, path: string, text: string }, options: { signal: AbortSignal }) => Promise<ContextDraft>

export interface GenerationWorkInit {
  /** The leader's peer.put. */
  put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>
  makeDraft: DraftMaker
  /** The role the leader writes as (the policy's generation.leaderRole). */
  leaderRole: string
  /** Lists what was written in its project's directory now (peer.flushDirectory). */
  list?: (options: { signal: AbortSignal }) => Promise<void>
}

/**
 * What the leader does for one claimed request: check the source against the
 * hash the log holds, generate, and store the record for the requested role,
 * stamped with the claiming term and the request id, so that relays refuse
 * it should a later leader have stored this request's result already.
 */
export function createGenerationWork (init: GenerationWorkInit): Work {
  return async (queued, { term, signal }) => {
    const { request } = queued
    if (request.source === undefined) throw new InvalidQueueCommandError(`request ${request.id} carries no source (only inline sources are supported)`)
    if (sourceHashOf(request.source) !== request.sourceHash) throw new InvalidQueueCommandError(`request ${request.id}'s source does not hash to its sourceHash`)
    const draft = await init.makeDraft({ address: request.address, path: pathOf(request.address), text: request.source }, { signal })
    signal.throwIfAborted()
    const stored = await init.put(request.address, {
      ...draft,
      metadata: { ...draft.metadata, sourceHash: request.sourceHash, requestId: request.id, term: String(term) }
      // Each step its own signal following the term's: a write fans out to every relay and
      // shard, and one signal shared by all of them trips Node's listener-leak warning.
    }, { as: init.leaderRole, generation: { forRole: request.role, term, requestId: request.id }, signal: AbortSignal.any([signal]) })
    // Listed before it counts as done: a leader that dies after completing would otherwise take the listing with it.
    await init.list?.({ signal: AbortSignal.any([signal]) })
    return { key: stored.key, version: JSON.stringify(stored.version) }
  }
}

/** `ucxl://project/src/a.ts` → `src/a.ts` (what generators see as the file's path), decoded. */
export function pathOf (address: string): string {
  return parseAddress(address).segments.map(segment => decodeURIComponent(segment)).join('/')
}
