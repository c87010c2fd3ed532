import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { NetworkError } from '../errors.ts'
import { BUCKETS } from './buckets.ts'
import type { BucketSummary } from './buckets.ts'

/**
 * Anti-entropy between relays, '/slurp/sync/1.0.0', one request per stream:
 *   summary            → 64 bucket digests and counts
 *   entries(bucket)    → every key in the bucket with its sibling-set digest
 *   digestsOf(keys)    → for each key, its sibling-set digest or absent
 * Records themselves then move over the record protocol, through the validator.
 */
export const SYNC_PROTOCOL = '/slurp/sync/1.0.0'
export const MAX_KEYS_PER_REQUEST = 1024

export type SyncRequest =
  | { op: 'summary' }
  | { op: 'entries', bucket: number }
  | { op: 'digestsOf', keys: string[] }

const OPS = { summary: 1, entries: 2, digestsOf: 3 } as const
const VERSION = 1

export function encodeSyncRequest (request: SyncRequest): Uint8Array {
  const writer = new ByteWriter().u8(VERSION).u8(OPS[request.op])
  if (request.op === 'entries') writer.u8(request.bucket)
  if (request.op === 'digestsOf') {
    writer.varint(request.keys.length)
    for (const key of request.keys) writer.string(key)
  }
  return writer.finish()
}

export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  return decoding('sync request', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported sync version')
    const op = reader.u8('op')
    let request: SyncRequest
    if (op === OPS.summary) request = { op: 'summary' }
    else if (op === OPS.entries) {
      const bucket = reader.u8('bucket')
      if (bucket >= BUCKETS) throw new CodecError('bucket out of range')
      request = { op: 'entries', bucket }
    } else if (op === OPS.digestsOf) {
      const count = reader.varint('key count', MAX_KEYS_PER_REQUEST)
      const keys: string[] = []
      for (let i = 0; i < count; i++) keys.push(reader.string('key', 256))
      request = { op: 'digestsOf', keys }
    } else throw new CodecError(`unknown sync op ${op}`)
    reader.end('sync request')
    return request
  })
}

export function encodeSummary (summary: BucketSummary): Uint8Array {
  const writer = new ByteWriter(BUCKETS * 36)
  for (let i = 0; i < BUCKETS; i++) writer.raw(summary.digests[i] as Uint8Array).varint(summary.counts[i] as number)
  return writer.finish()
}

export function decodeSummary (bytes: Uint8Array): BucketSummary {
  return decoding('sync summary', () => {
    const reader = new ByteReader(bytes)
    const digests: Uint8Array[] = []
    const counts: number[] = []
    for (let i = 0; i < BUCKETS; i++) {
      digests.push(reader.raw(32, 'bucket digest'))
      counts.push(reader.varint('bucket count'))
    }
    reader.end('sync summary')
    return { digests, counts }
  })
}

/** Entries, or digestsOf answers (a missing key has no digest). */
export function encodeEntries (entries: ReadonlyArray<readonly [string, Uint8Array | undefined]>): Uint8Array {
  const writer = new ByteWriter().varint(entries.length)
  for (const [key, digest] of entries) {
    writer.string(key)
    if (digest === undefined) writer.u8(0)
    else writer.u8(1).raw(digest)
  }
  return writer.finish()
}

export function decodeEntries (bytes: Uint8Array): Array<[string, Uint8Array | undefined]> {
  return decoding('sync entries', () => {
    const reader = new ByteReader(bytes)
    const count = reader.varint('entry count')
    const entries: Array<[string, Uint8Array | undefined]> = []
    for (let i = 0; i < count; i++) {
      const key = reader.string('key', 256)
      entries.push([key, reader.u8('present') === 1 ? reader.raw(32, 'digest') : undefined])
    }
    reader.end('sync entries')
    return entries
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
