import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { NetworkError } from '../errors.ts'

/**
 * The record protocol's messages, requests and answers on a request channel.
 *   request:  u8 version, u8 op (1 put, 2 get, 3 put if newest, 4 history), string key,
 *             bytes record (puts only)
 *   response: u8 version, u8 status (0 ok, 1 rejected, 2 failed), string code,
 *             string message, string outcome, varint siblings, varint n, bytes × n
 */
// 2.0.0: the same messages on request channels (src/net/request-channel.ts).
export const RECORD_PROTOCOL = '/slurp/records/2.0.0'

export type RecordRequest =
  /**
   * ifNewest: store only if this version supersedes every version held, else
   * answer ERR_VERSION_CONFLICT with the versions held (an optimistic write).
   */
  | { op: 'put', key: string, record: Uint8Array, ifNewest?: true }
  | { op: 'get', key: string }
  /** The versions the relay held and let go for newer ones (keeper.history). */
  | { op: 'history', key: string }

export interface RecordResponse {
  status: 'ok' | 'rejected' | 'failed'
  /** The error code when not ok (ERR_STALE_RECORD, ERR_INVALID_SIGNATURE, …). */
  code: string
  message: string
  /** For puts: stored, replaced, sibling or duplicate. */
  outcome: string
  siblings: number
  /** For gets: the stored sibling set, encoded envelopes. */
  records: Uint8Array[]
}

const VERSION = 1
const OPS = { put: 1, get: 2, putIfNewest: 3, history: 4 } as const
const STATUSES = ['ok', 'rejected', 'failed'] as const

export function encodeRequest (request: RecordRequest): Uint8Array {
  const op = request.op === 'put' && request.ifNewest === true ? OPS.putIfNewest : OPS[request.op]
  const writer = new ByteWriter().u8(VERSION).u8(op).string(request.key)
  if (request.op === 'put') writer.bytes(request.record)
  return writer.finish()
}

export function decodeRequest (bytes: Uint8Array): RecordRequest {
  return decoding('request', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported protocol version')
    const op = reader.u8('op')
    const key = reader.string('key', 256)
    if (op === OPS.get || op === OPS.history) {
      reader.end(`${op === OPS.get ? 'get' : 'history'} request`)
      return { op: op === OPS.get ? 'get' : 'history', key }
    }
    if (op !== OPS.put && op !== OPS.putIfNewest) throw new CodecError(`unknown op ${op}`)
    const record = reader.bytesField('record')
    reader.end('put request')
    return op === OPS.putIfNewest ? { op: 'put', key, record, ifNewest: true } : { op: 'put', key, record }
  })
}

export function encodeResponse (response: RecordResponse): Uint8Array {
  const writer = new ByteWriter()
    .u8(VERSION)
    .u8(STATUSES.indexOf(response.status))
    .string(response.code)
    .string(response.message.slice(0, 512))
    .string(response.outcome)
    .varint(response.siblings)
    .varint(response.records.length)
  for (const record of response.records) writer.bytes(record)
  return writer.finish()
}

export function decodeResponse (bytes: Uint8Array): RecordResponse {
  return decoding('response', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported protocol version')
    const status = STATUSES[reader.u8('status')]
    if (status === undefined) throw new CodecError('unknown status')
    const code = reader.string('code', 64)
    const message = reader.string('message', 2048)
    const outcome = reader.string('outcome', 32)
    const siblings = reader.varint('siblings', 1024)
    const count = reader.varint('record count', 1024)
    const records: Uint8Array[] = []
    for (let i = 0; i < count; i++) records.push(reader.bytesField('record'))
    reader.end('response')
    return { status, code, message, outcome, siblings, records }
  })
}

function decoding<T> (what: string, decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (error instanceof CodecError) throw new NetworkError(`malformed ${what}: ${error.message}`)
    throw error
  }
}
