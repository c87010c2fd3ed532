import type { Libp2p, PeerId } from '@libp2p/interface'
import type { WriteAdmission } from '../admission/write-admission.ts'
import { SlurpError, VersionConflictError } from '../errors.ts'
import { putWithHistory } from '../keeper/put-with-history.ts'
import type { FetchHistory } from '../keeper/put-with-history.ts'
import type { RecordKeeper } from '../keeper/record-keeper.ts'
import { RECORD_PROTOCOL, decodeRequest, decodeResponse, encodeRequest, encodeResponse } from './record-messages.ts'
import type { RecordRequest, RecordResponse } from './record-messages.ts'
import { sendRequest, serveRequests } from './request-response.ts'
import type { SendOptions } from './request-response.ts'

/**
 * Relays answer record requests on their own protocol rather than kad-dht's
 * PUT_VALUE, which overwrites whatever is stored: here every write goes through
 * the keeper (validation and version order) and gets an explicit answer the
 * writer can count as an acknowledgement.
 */
export interface ServeRecordsOptions {
  /**
   * Free space and per-member quotas, checked before a put is validated
   * (issue 10 finding 9). Puts on this protocol are first-hand writes;
   * replication between relays goes through sync and is not counted.
   */
  readonly admission?: Pick<WriteAdmission, 'admit'>
  /** Fetches a key's history before judging a clock again (see putWithHistory). */
  readonly history?: FetchHistory
}

export async function serveRecords (node: Libp2p, keeper: RecordKeeper, options: ServeRecordsOptions = {}): Promise<void> {
  await serveRequests(node, RECORD_PROTOCOL, async (bytes, signal) =>
    encodeResponse(await answer(keeper, decodeRequest(bytes), signal, options)), {
    // Read past without being held; the writer learns why, as from the keeper.
    oversize: (length, limit) => encodeResponse({
      status: 'rejected',
      code: 'ERR_RECORD_TOO_LARGE',
      message: `a record request of ${length} bytes is over this relay's limit of ${limit}`,
      outcome: '',
      siblings: 0,
      records: []
    })
  })
}

async function answer (keeper: RecordKeeper, request: RecordRequest, signal: AbortSignal, options: ServeRecordsOptions): Promise<RecordResponse> {
  const empty = { code: '', message: '', outcome: '', siblings: 0, records: [] }
  try {
    if (request.op === 'get' || request.op === 'history') {
      const records = request.op === 'get' ? await keeper.get(request.key, { signal }) : await keeper.history(request.key, { signal })
      return { ...empty, status: 'ok', records, siblings: records.length }
    }
    const put = async () => await putWithHistory(keeper, request.key, request.record, { signal, ...(request.ifNewest === true ? { ifNewest: true } : {}) }, options.history)
    const result = options.admission === undefined ? await put() : await options.admission.admit(request.record, put, signal)
    return { ...empty, status: 'ok', outcome: result.outcome, siblings: result.siblings }
  } catch (error) {
    if (error instanceof VersionConflictError) {
      // What the writer must supersede, so its next attempt needs no read.
      const records = await keeper.get(request.key, { signal }).catch(() => [])
      return { ...empty, status: 'rejected', code: error.code, message: error.message, records, siblings: records.length }
    }
    if (error instanceof SlurpError) return { ...empty, status: 'rejected', code: error.code, message: error.message }
    return { ...empty, status: 'failed', code: 'ERR_INTERNAL', message: 'the relay failed to handle the request' }
  }
}

export async function requestRecord (node: Libp2p, peer: PeerId, request: RecordRequest, options: SendOptions = {}): Promise<RecordResponse> {
  return decodeResponse(await sendRequest(node, peer, RECORD_PROTOCOL, encodeRequest(request), options))
}
