import type { Libp2p, PeerId } from '@libp2p/interface'
import { NotARelayError, SlurpError, StaleRecordError } from '../errors.ts'
import type { RecordKeeper } from '../keeper/record-keeper.ts'
import { inParallel } from '../lock/in-parallel.ts'
import { relayRoster } from '../net/relay-roster.ts'
import { sendRequest, serveRequests } from '../net/request-response.ts'
import type { SendOptions } from '../net/request-response.ts'
import { entriesIn, summarise } from './buckets.ts'
import type { BucketSummary } from './buckets.ts'
import {
  MAX_KEYS_PER_REQUEST, RECORD_BATCH_BYTES, SYNC_PROTOCOL, decodeEntries, decodeRecordSets, decodeStoreResults, decodeSummary, decodeSyncRequest,
  encodeEntries, encodeRecordSets, encodeStoreResults, encodeSummary, encodeSyncRequest
} from './sync-messages.ts'
import type { RecordSet } from './sync-messages.ts'

/** Records a relay takes through the validator at once, when many arrive together. */
export const VALIDATION_LANES = 16

/** Which keys `relay` is among the k closest to, as this relay sees the live relays now. */
export type Responsibility = (relay: PeerId) => Promise<(key: string) => boolean>

/**
 * Relays answer sync requests from their digest index and their keeper. What
 * arrives to be stored goes through the keeper, so through the validator:
 * nothing is decrypted, and nothing unverified is kept.
 */
export async function serveSync (node: Libp2p, keeper: RecordKeeper, responsibility: Responsibility): Promise<void> {
  await serveRequests(node, SYNC_PROTOCOL, async (bytes, signal, from) => {
    // Sync lists keys and hands out every envelope (authors, certificates,
    // sizes): only the network's certified relays may ask.
    if (relayRoster(node)?.isCertified(from) !== true) throw new NotARelayError('sync is served to the network\'s certified relays only')
    const request = decodeSyncRequest(bytes)
    if (request.op === 'recordsOf') return encodeRecordSets(await recordsOf(keeper, request.keys, signal))
    if (request.op === 'store') return encodeStoreResults(await store(keeper, request.sets, signal))
    const index = await keeper.digests({ signal })
    if (request.op === 'summary') return encodeSummary(summarise(index))
    if (request.op === 'ownedEntries') {
      const owns = await responsibility(from)
      return encodeEntries(entriesIn(index, request.buckets).filter(([key]) => owns(key)))
    }
    return encodeEntries(request.keys.map(key => [key, index.get(key)] as const))
  })
}

/** As many of the keys' sibling sets as fit in one answer, in the order asked. */
async function recordsOf (keeper: RecordKeeper, keys: readonly string[], signal: AbortSignal): Promise<RecordSet[]> {
  const sets: RecordSet[] = []
  let bytes = 0
  for (const key of keys) {
    const records = await keeper.get(key, { signal })
    const size = records.reduce((sum, record) => sum + record.length, 0)
    if (sets.length > 0 && bytes + size > RECORD_BATCH_BYTES) break
    sets.push([key, records])
    bytes += size
  }
  return sets
}

async function store (keeper: RecordKeeper, sets: readonly RecordSet[], signal: AbortSignal): Promise<Array<[string, string]>> {
  // In the order sent; a key sent twice answers once (the requester reads the answer by key).
  const codes = new Map<string, string>(sets.map(([key]) => [key, '']))
  await inParallel(sets, VALIDATION_LANES, async ([key, records]) => {
    let code = ''
    for (const record of records) {
      try {
        await keeper.put(key, record, { signal, origin: 'replica' })
      } catch (error) {
        // Holding this version or a newer one is what the sender wanted.
        if (error instanceof StaleRecordError) continue
        if (!(error instanceof SlurpError)) throw error
        code = error.code
      }
    }
    if (code !== '') codes.set(key, code)
  })
  return [...codes]
}

export async function requestSummary (node: Libp2p, peer: PeerId, options: SendOptions = {}): Promise<BucketSummary> {
  return decodeSummary(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'summary' }), options))
}

/** What `peer` holds in `buckets` that this relay should hold, as `peer` sees the relays. */
export async function requestOwnedEntries (node: Libp2p, peer: PeerId, buckets: number[], options: SendOptions = {}): Promise<Array<[string, Uint8Array | undefined]>> {
  return decodeEntries(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'ownedEntries', buckets }), options))
}

export async function requestDigestsOf (node: Libp2p, peer: PeerId, keys: string[], options: SendOptions = {}): Promise<Map<string, Uint8Array | undefined>> {
  return new Map(decodeEntries(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'digestsOf', keys }), options)))
}

/** The sibling sets `peer` holds for `keys` (a key it lacks maps to no records); asks again for what did not fit. */
export async function requestRecordsOf (node: Libp2p, peer: PeerId, keys: readonly string[], options: SendOptions = {}): Promise<Map<string, readonly Uint8Array[]>> {
  const found = new Map<string, readonly Uint8Array[]>()
  let pending = [...keys]
  while (pending.length > 0) {
    const asked = pending.slice(0, MAX_KEYS_PER_REQUEST)
    const sets = decodeRecordSets(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'recordsOf', keys: asked }), options))
    const wanted = new Set(asked)
    for (const [key, records] of sets) if (wanted.has(key)) found.set(key, records)
    // A peer that answers nothing it was asked for would otherwise be asked forever.
    if (!sets.some(([key]) => wanted.has(key))) break
    pending = pending.filter(key => !found.has(key))
  }
  return found
}

/** Has `peer` store the sets; per key, '' when it holds them (or newer) now, else an error code. */
export async function requestStore (node: Libp2p, peer: PeerId, sets: RecordSet[], options: SendOptions = {}): Promise<Map<string, string>> {
  return decodeStoreResults(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'store', sets }), options))
}
