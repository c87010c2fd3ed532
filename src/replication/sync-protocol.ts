import type { Libp2p, PeerId } from '@libp2p/interface'
import type { RecordKeeper } from '../keeper/record-keeper.ts'
import { sendRequest, serveRequests } from '../net/request-response.ts'
import type { SendOptions } from '../net/request-response.ts'
import { entriesIn, summarise } from './buckets.ts'
import type { BucketSummary } from './buckets.ts'
import { SYNC_PROTOCOL, decodeEntries, decodeSummary, decodeSyncRequest, encodeEntries, encodeSummary, encodeSyncRequest } from './sync-messages.ts'

/** Relays answer sync requests from their digest index; nothing is decrypted or sent but digests. */
export async function serveSync (node: Libp2p, keeper: RecordKeeper): Promise<void> {
  await serveRequests(node, SYNC_PROTOCOL, async (bytes, signal) => {
    const request = decodeSyncRequest(bytes)
    const index = await keeper.digests({ signal })
    if (request.op === 'summary') return encodeSummary(summarise(index))
    if (request.op === 'entries') return encodeEntries(entriesIn(index, request.bucket))
    return encodeEntries(request.keys.map(key => [key, index.get(key)] as const))
  })
}

export async function requestSummary (node: Libp2p, peer: PeerId, options: SendOptions = {}): Promise<BucketSummary> {
  return decodeSummary(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'summary' }), options))
}

export async function requestEntries (node: Libp2p, peer: PeerId, bucket: number, options: SendOptions = {}): Promise<Array<[string, Uint8Array | undefined]>> {
  return decodeEntries(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'entries', bucket }), options))
}

export async function requestDigestsOf (node: Libp2p, peer: PeerId, keys: string[], options: SendOptions = {}): Promise<Map<string, Uint8Array | undefined>> {
  return new Map(decodeEntries(await sendRequest(node, peer, SYNC_PROTOCOL, encodeSyncRequest({ op: 'digestsOf', keys }), options)))
}
