import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { NetworkError } from '../errors.ts'
import { BUCKETS } from './buckets.ts'
import type { BucketSummary } from './buckets.ts'

/**
 * Anti-entropy and repair between relays, '/slurp/sync/3.0.0', requests on a request channel:
 *   summary            → 64 bucket digests and counts
 *   ownedEntries(buckets) → the keys in those buckets that the asking relay is
 *                        among the k closest to (as the answering relay sees
 *                        the live relays), each with its sibling-set digest
 *   digestsOf(keys)    → for each key, its sibling-set digest or absent
 *   recordsOf(keys)    → sibling sets (encoded envelopes) for as many of the keys as fit
 *   store(sets)        → the receiver puts every record through its validator;
 *                        for each key, '' (held now, or something newer) or an error code
 * Records move many to a stream: one stream per record made repairing
 * thousands of records take a minute.
 */
// 2.0.0: entries(bucket), every key in one bucket, became ownedEntries(buckets).
// 3.0.0: the same messages on request channels (src/net/request-channel.ts).
export const SYNC_PROTOCOL = '/slurp/sync/3.0.0'
export const MAX_KEYS_PER_REQUEST = 1024
/** Records per store or recordsOf message stay under this, well inside MAX_MESSAGE_BYTES. */
export const RECORD_BATCH_BYTES = 2 * 1024 * 1024
const MAX_SIBLINGS = 256

export type RecordSet = readonly [key: string, records: readonly Uint8Array[]]

export type SyncRequest =
  | { op: 'summary' }
  | { op: 'ownedEntries', buckets: number[] }
  | { op: 'digestsOf', keys: string[] }
  | { op: 'recordsOf', keys: string[] }
  | { op: 'store', sets: RecordSet[] }

const OPS = { summary: 1, ownedEntries: 2, digestsOf: 3, recordsOf: 4, store: 5 } as const
const VERSION = 1

export function encodeSyncRequest (request: SyncRequest): Uint8Array {
  const writer = new ByteWriter().u8(VERSION).u8(OPS[request.op])
  if (request.op === 'ownedEntries') {
    writer.varint(request.buckets.length)
    for (const bucket of request.buckets) writer.u8(bucket)
  }
  if (request.op === 'digestsOf' || request.op === 'recordsOf') {
    writer.varint(request.keys.length)
    for (const key of request.keys) writer.string(key)
  }
  if (request.op === 'store') writeRecordSets(writer, request.sets)
  return writer.finish()
}

export function decodeSyncRequest (bytes: Uint8Array): SyncRequest {
  return decoding('sync request', () => {
    const reader = new ByteReader(bytes)
    if (reader.u8('version') !== VERSION) throw new CodecError('unsupported sync version')
    const op = reader.u8('op')
    let request: SyncRequest
    if (op === OPS.summary) request = { op: 'summary' }
    else if (op === OPS.ownedEntries) {
      const count = reader.varint('bucket count', BUCKETS)
      const buckets: number[] = []
      for (let i = 0; i < count; i++) {
        const bucket = reader.u8('bucket')
        if (bucket >= BUCKETS) throw new CodecError('bucket out of range')
        if (buckets.includes(bucket)) throw new CodecError('bucket listed twice')
        buckets.push(bucket)
      }
      request = { op: 'ownedEntries', buckets }
    } else if (op === OPS.digestsOf || op === OPS.recordsOf) {
      const count = reader.varint('key count', MAX_KEYS_PER_REQUEST)
      const keys: string[] = []
      for (let i = 0; i < count; i++) keys.push(reader.string('key', 256))
      request = { op: op === OPS.digestsOf ? 'digestsOf' : 'recordsOf', keys }
    } else if (op === OPS.store) {
      request = { op: 'store', sets: readRecordSets(reader) }
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

function writeRecordSets (writer: ByteWriter, sets: readonly RecordSet[]): void {
  writer.varint(sets.length)
  for (const [key, records] of sets) {
    writer.string(key).varint(records.length)
    for (const record of records) writer.bytes(record)
  }
}

function readRecordSets (reader: ByteReader): RecordSet[] {
  const count = reader.varint('set count', MAX_KEYS_PER_REQUEST)
  const sets: RecordSet[] = []
  for (let i = 0; i < count; i++) {
    const key = reader.string('key', 256)
    const n = reader.varint('record count', MAX_SIBLINGS)
    const records: Uint8Array[] = []
    for (let j = 0; j < n; j++) records.push(reader.bytesField('record'))
    sets.push([key, records])
  }
  return sets
}

/** recordsOf answers: the sibling sets of the keys that fit (an empty set: not held). */
export function encodeRecordSets (sets: readonly RecordSet[]): Uint8Array {
  const writer = new ByteWriter()
  writeRecordSets(writer, sets)
  return writer.finish()
}

export function decodeRecordSets (bytes: Uint8Array): RecordSet[] {
  return decoding('sync record sets', () => {
    const reader = new ByteReader(bytes)
    const sets = readRecordSets(reader)
    reader.end('sync record sets')
    return sets
  })
}

/** store answers: per key, '' when it is held now (or something newer is), else the error code. */
export function encodeStoreResults (results: ReadonlyArray<readonly [string, string]>): Uint8Array {
  const writer = new ByteWriter().varint(results.length)
  for (const [key, code] of results) writer.string(key).string(code)
  return writer.finish()
}

export function decodeStoreResults (bytes: Uint8Array): Map<string, string> {
  return decoding('sync store results', () => {
    const reader = new ByteReader(bytes)
    const count = reader.varint('result count', MAX_KEYS_PER_REQUEST)
    const results = new Map<string, string>()
    for (let i = 0; i < count; i++) results.set(reader.string('key', 256), reader.string('code', 64))
    reader.end('sync store results')
    return results
  })
}

/** Splits sets into messages of at most RECORD_BATCH_BYTES (a set larger than that goes alone) and MAX_KEYS_PER_REQUEST keys. */
export function batchRecordSets (sets: readonly RecordSet[], budget = RECORD_BATCH_BYTES): RecordSet[][] {
  return batchBySize(sets, set => set[1].reduce((sum, record) => sum + record.length + 8, set[0].length + 8), budget, MAX_KEYS_PER_REQUEST)
}

/** Consecutive items in groups whose sizes add up to at most `budget` (an item larger than that goes alone), and at most `maxItems` each. */
export function batchBySize<T> (items: readonly T[], sizeOf: (item: T) => number, budget: number, maxItems = Number.POSITIVE_INFINITY): T[][] {
  const batches: T[][] = []
  let current: T[] = []
  let total = 0
  for (const item of items) {
    const size = sizeOf(item)
    if (current.length > 0 && (total + size > budget || current.length >= maxItems)) {
      batches.push(current)
      current = []
      total = 0
    }
    current.push(item)
    total += size
  }
  if (current.length > 0) batches.push(current)
  return batches
}

function decoding<T> (what: string, decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (error instanceof CodecError) throw new NetworkError(`malformed ${what}: ${error.message}`)
    throw error
  }
}
