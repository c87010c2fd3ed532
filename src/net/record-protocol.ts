import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { NetworkError, SlurpError } from '../errors.ts'
import type { RecordKeeper } from '../keeper/record-keeper.ts'
import { MAX_MESSAGE_BYTES, RECORD_PROTOCOL, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './record-messages.ts'
import type { RecordRequest, RecordResponse } from './record-messages.ts'

const INCOMING_TIMEOUT_MS = 15_000

/**
 * Relays answer record requests on their own protocol rather than kad-dht's
 * PUT_VALUE, which overwrites whatever is stored: here every write goes through
 * the keeper (validation and version order) and gets an explicit answer the
 * writer can count as an acknowledgement.
 */
export async function serveRecords (node: Libp2p, keeper: RecordKeeper): Promise<void> {
  await node.handle(RECORD_PROTOCOL, async (stream: Stream) => {
    const signal = AbortSignal.timeout(INCOMING_TIMEOUT_MS)
    try {
      const messages = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
      const request = decodeRequest((await messages.read({ signal })).subarray())
      const response = await answer(keeper, request, signal)
      await messages.write(encodeResponse(response), { signal })
      await stream.close({ signal })
    } catch (error) {
      stream.abort(error as Error)
    }
  }, { maxInboundStreams: 256, runOnLimitedConnection: false })
}

async function answer (keeper: RecordKeeper, request: RecordRequest, signal: AbortSignal): Promise<RecordResponse> {
  const empty = { code: '', message: '', outcome: '', siblings: 0, records: [] }
  try {
    if (request.op === 'get') {
      const records = await keeper.get(request.key, { signal })
      return { ...empty, status: 'ok', records, siblings: records.length }
    }
    const result = await keeper.put(request.key, request.record, { signal })
    return { ...empty, status: 'ok', outcome: result.outcome, siblings: result.siblings }
  } catch (error) {
    if (error instanceof SlurpError) return { ...empty, status: 'rejected', code: error.code, message: error.message }
    return { ...empty, status: 'failed', code: 'ERR_INTERNAL', message: 'the relay failed to handle the request' }
  }
}

/** One request, one response, over a fresh stream. */
export async function requestRecord (node: Libp2p, peer: PeerId, request: RecordRequest, options: { signal?: AbortSignal } = {}): Promise<RecordResponse> {
  let stream: Stream | undefined
  try {
    stream = await node.dialProtocol(peer, RECORD_PROTOCOL, options)
    const messages = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    await messages.write(encodeRequest(request), options)
    const response = decodeResponse((await messages.read(options)).subarray())
    await stream.close(options).catch(() => {})
    return response
  } catch (error) {
    stream?.abort(error as Error)
    if (error instanceof SlurpError) throw error
    throw new NetworkError(`record ${request.op} to ${peer.toString()} failed: ${(error as Error).message}`, { cause: error })
  }
}
