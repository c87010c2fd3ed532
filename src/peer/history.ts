import type { RoleKeyring } from '../crypto/keyring.ts'
import { toBase64url } from '../encoding/base64url.ts'
import type { ContextItem } from '../record/context-item.ts'
import { openContextRecord } from '../record/context-record.ts'
import type { RecordEnvelope } from '../record/envelope.ts'
import { metaOf } from './record-meta.ts'
import type { RecordMeta } from './types.ts'

/** One version of an address, as peer.history lists them. */
export interface HistoryEntry {
  /** Its content, when a held role can read it. */
  readonly item?: ContextItem
  readonly meta: Omit<RecordMeta, 'readAs' | 'replicas'> & { readonly readAs?: string }
  /** One of the versions the relays hold now (the winner, or a concurrent one). */
  readonly current: boolean
}

/**
 * Every distinct version, newest first: the ones held now, then the ones the
 * relays let go for newer versions (each relay keeps its last few).
 */
export async function historyEntries (current: readonly RecordEnvelope[], older: readonly RecordEnvelope[], keyring: RoleKeyring): Promise<HistoryEntry[]> {
  const seen = new Set<string>()
  const entries: Array<HistoryEntry & { id: string }> = []
  for (const [envelopes, isCurrent] of [[current, true], [older, false]] as const) {
    for (const envelope of envelopes) {
      const id = toBase64url(envelope.signature)
      if (seen.has(id)) continue
      seen.add(id)
      const opened = await openContextRecord(envelope, keyring).catch(() => undefined)
      entries.push({
        id,
        current: isCurrent,
        meta: { ...metaOf(envelope), ...(opened === undefined ? {} : { readAs: opened.role }) },
        ...(opened === undefined ? {} : { item: opened.item })
      })
    }
  }
  // Newest first, by the time each writer signed; equal times in a fixed order.
  entries.sort((a, b) => b.meta.updated - a.meta.updated || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return entries.map(({ id: _id, ...entry }) => entry)
}
