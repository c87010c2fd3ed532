import { fromBase64url } from '../encoding/base64url.ts'
import { AbortError, AuditVerificationError, NetworkError, SlurpError, SplitViewError, UsageError, throwIfAborted } from '../errors.ts'
import { errorFromResponse } from '../gateway/response-error.ts'
import { hashesFromJson, verifyWitnessed } from './checkpoint.ts'
import type { SignedCheckpoint, WitnessedCheckpoint } from './checkpoint.ts'
import { decodeEntry } from './entry.ts'
import type { AuditEntry } from './entry.ts'
import { MAX_ENTRIES_PER_READ } from './log.ts'
import type { StoredEntry } from './log.ts'
import { verifyCheckpointsConsistent, verifyEntries, verifyEntryIncluded } from './verify.ts'

/**
 * A relay's audit log over its HTTP API (/v1/audit/*), for anyone who wants
 * to check it: Web APIs only. Everything the relay says is verified here
 * against its signature, never taken on its word.
 */
export interface AuditClientOptions {
  readonly signal?: AbortSignal
  readonly fetch?: typeof fetch
}

export interface AuditCheckpoints {
  /** The latest checkpoint, its signature verified, with the cosignatures that verify. */
  readonly latest: WitnessedCheckpoint
  /** The newest checkpoint with at least one verified cosignature, when the relay has one. */
  readonly witnessed?: WitnessedCheckpoint
}

export interface ReadEntry extends StoredEntry {
  readonly entry: AuditEntry
}

export class AuditClient {
  private readonly base: URL

  constructor (baseUrl: string | URL, private readonly options: AuditClientOptions = {}) {
    try {
      this.base = new URL(baseUrl)
    } catch (cause) {
      throw new UsageError(`"${String(baseUrl)}" is not a relay URL`, { cause })
    }
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/'
  }

  async checkpoints (): Promise<AuditCheckpoints> {
    const body = await this.get('v1/audit/checkpoint', {}) as { witnessed?: unknown }
    const latest = await verifyWitnessed(body)
    const witnessed = body.witnessed === undefined || body.witnessed === null ? undefined : await verifyWitnessed(body.witnessed)
    return witnessed === undefined ? { latest } : { latest, witnessed }
  }

  /** Entries from `from` (at most `limit`), decoded; `size` is how many the log holds now. */
  async entries (from: number, limit = MAX_ENTRIES_PER_READ): Promise<{ size: number, entries: ReadEntry[] }> {
    const body = await this.get('v1/audit/entries', { from: String(from), limit: String(limit) }) as { size?: unknown, entries?: unknown }
    if (typeof body.size !== 'number' || !Array.isArray(body.entries)) throw new AuditVerificationError('the relay answered /v1/audit/entries with something else')
    const entries = body.entries.map((item: { index?: unknown, data?: unknown }, i) => {
      if (item?.index !== from + i || typeof item.data !== 'string') throw new AuditVerificationError(`entry ${from + i} is missing or out of order`)
      let data: Uint8Array
      try {
        data = fromBase64url(item.data)
      } catch {
        throw new AuditVerificationError(`entry ${from + i} is not base64url`)
      }
      return { index: from + i, data, entry: decodeEntry(data) }
    })
    return { size: body.size, entries }
  }

  /** Entries [from, to), in as many requests as it takes. */
  async entriesUpTo (to: number, from = 0): Promise<ReadEntry[]> {
    const out: ReadEntry[] = []
    while (from + out.length < to) {
      const { entries } = await this.entries(from + out.length, Math.min(MAX_ENTRIES_PER_READ, to - from - out.length))
      if (entries.length === 0) throw new AuditVerificationError(`the relay stopped answering entries at ${from + out.length} of ${to}`)
      out.push(...entries)
    }
    return out
  }

  async consistencyProof (from: number, to: number): Promise<Uint8Array[]> {
    const body = await this.get('v1/audit/proof', { from: String(from), to: String(to) }) as { proof?: unknown }
    return hashesFromJson(body.proof, 'consistency proof')
  }

  async inclusionProof (index: number, size: number): Promise<Uint8Array[]> {
    const body = await this.get('v1/audit/proof', { index: String(index), size: String(size) }) as { proof?: unknown }
    return hashesFromJson(body.proof, 'inclusion proof')
  }

  private async get (path: string, query: Record<string, string>): Promise<unknown> {
    throwIfAborted(this.options.signal)
    const url = new URL(path, this.base)
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value)
    const fetcher = this.options.fetch ?? globalThis.fetch
    try {
      const response = await fetcher(url, { headers: { accept: 'application/json' }, ...(this.options.signal === undefined ? {} : { signal: this.options.signal }) })
      if (!response.ok) throw await errorFromResponse(response, `${url.pathname} at ${url.origin}`)
      return await response.json()
    } catch (cause) {
      if (cause instanceof SlurpError) throw cause
      if (this.options.signal?.aborted === true) throw new AbortError('audit request aborted', { cause: this.options.signal.reason })
      throw new NetworkError(`relay ${url.origin} failed: ${(cause as Error).message}`, { cause })
    }
  }
}

export interface VerifiedLog {
  readonly checkpoint: WitnessedCheckpoint
  readonly witnessed?: WitnessedCheckpoint
  readonly entries: readonly ReadEntry[]
  /** The checkpoint held before, when one was given and proven extended. */
  readonly previous?: SignedCheckpoint
}

/**
 * Fetches a relay's whole log up to its latest checkpoint and checks it: the
 * checkpoint's signature, every entry against the signed root (and the
 * witnessed checkpoint's root against its prefix), and, given the checkpoint
 * seen last time, that the log only grew since (its entries recomputed, and
 * the relay's own consistency proof checked, as a light client would).
 * Throws AuditVerificationError, or SplitViewError for a rewritten history.
 */
export async function verifyRelayLog (client: AuditClient, previous?: SignedCheckpoint): Promise<VerifiedLog> {
  const { latest, witnessed } = await client.checkpoints()
  const checkpoint = latest.checkpoint
  if (previous !== undefined && previous.log !== checkpoint.log) throw new AuditVerificationError(`the saved checkpoint is of ${previous.log}, the relay is ${checkpoint.log}`)
  const entries = await client.entriesUpTo(checkpoint.size)
  const data = entries.map(entry => entry.data)
  await verifyEntries(data, checkpoint)
  if (witnessed !== undefined && witnessed.checkpoint.size <= checkpoint.size) await verifyEntries(data.slice(0, witnessed.checkpoint.size), witnessed.checkpoint)
  if (previous !== undefined) {
    // A log only grows: a latest checkpoint smaller than one signed before is a history rolled back.
    if (previous.size > checkpoint.size) throw new SplitViewError(`${checkpoint.log} now signs ${checkpoint.size} entries, after signing ${previous.size} before`, previous, checkpoint)
    verifyCheckpointsConsistent(previous, checkpoint, await client.consistencyProof(previous.size, checkpoint.size))
    // The proof alone convinces a light client; holding every entry, check the old root directly too.
    await verifyEntries(data.slice(0, previous.size), previous).catch(cause => {
      throw new SplitViewError(`${checkpoint.log}'s log no longer starts with the ${previous.size} entries it signed before`, previous, checkpoint, { cause })
    })
  }
  return { checkpoint: latest, ...(witnessed === undefined ? {} : { witnessed }), entries, ...(previous === undefined ? {} : { previous }) }
}

/** Fetches entry `index` and proves it is in the relay's latest checkpoint. */
export async function proveEntry (client: AuditClient, index: number): Promise<{ checkpoint: WitnessedCheckpoint, entry: ReadEntry, proof: Uint8Array[] }> {
  const { latest } = await client.checkpoints()
  if (!Number.isSafeInteger(index) || index < 0 || index >= latest.checkpoint.size) {
    throw new UsageError(`the latest checkpoint covers entries 0 to ${latest.checkpoint.size - 1}; there is no entry ${index} in it`)
  }
  const [entry] = (await client.entries(index, 1)).entries
  if (entry === undefined) throw new AuditVerificationError(`the relay did not answer entry ${index}`)
  const proof = await client.inclusionProof(index, latest.checkpoint.size)
  verifyEntryIncluded(index, entry.data, proof, latest.checkpoint)
  return { checkpoint: latest, entry, proof }
}
