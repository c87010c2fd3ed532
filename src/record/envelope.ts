import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import type { VectorClock } from '../clock/vector-clock.ts'
import { sortedEntries } from '../clock/vector-clock.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { InvalidRecordError } from '../errors.ts'
import { decodeCertificate, encodeCertificate } from '../trust/certificate.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES } from '../trust/signing-key.ts'
import { MAX_REQUEST_ID_BYTES } from './generation.ts'
import type { GenerationStamp } from './generation.ts'

/**
 * The record the network stores: a signed cleartext header around an age
 * ciphertext. Relays read the header to validate and order versions; the
 * address and the context itself exist only inside the ciphertext.
 *
 * Wire layout (format version 1), every variable field length-prefixed:
 *   "SLRP" u8:version  string:key  varint:n {32:actor varint:counter}×n
 *   32:author  bytes:certificate  string:role  string:contentType
 *   u64:created  u64:updated  32:sha256(ciphertext)  bytes:ciphertext  64:signature
 * Format version 2 is a record the elected leader generated (issue 13): the
 * same, with its GenerationStamp after the content type:
 *   ... string:contentType  string:forRole  varint:term  string:requestId  u64:created ...
 * The signature covers every byte before it (under the "record" domain).
 */
export interface RecordEnvelope {
  readonly formatVersion: number
  readonly key: string
  readonly clock: VectorClock
  readonly author: Uint8Array
  readonly certificate: MembershipCertificate
  readonly role: string
  readonly contentType: string
  /** Present exactly in format version 2: a leader-generated record. */
  readonly generation?: GenerationStamp
  readonly created: number
  readonly updated: number
  readonly ciphertextHash: Uint8Array
  readonly ciphertext: Uint8Array
  readonly signature: Uint8Array
}

export type UnsignedEnvelope = Omit<RecordEnvelope, 'signature'>

export const RECORD_FORMAT_VERSION = 1
export const GENERATED_RECORD_FORMAT_VERSION = 2
const MAGIC = Uint8Array.from([0x53, 0x4c, 0x52, 0x50]) // "SLRP"
const MAX_KEY_BYTES = 256
const MAX_CLOCK_ENTRIES = 256
const MAX_CERTIFICATE_BYTES = 2048
const HASH_BYTES = 32

/** Every byte the signature covers. */
export function encodeUnsigned (envelope: UnsignedEnvelope): Uint8Array {
  const clock = sortedEntries(envelope.clock)
  const writer = new ByteWriter(envelope.ciphertext.length + 512)
    .raw(MAGIC)
    .u8(envelope.formatVersion)
    .string(envelope.key)
    .varint(clock.length)
  for (const [actor, counter] of clock) writer.raw(actorBytes(actor)).varint(counter)
  writer
    .raw(envelope.author)
    .bytes(encodeCertificate(envelope.certificate))
    .string(envelope.role)
    .string(envelope.contentType)
  const generation = envelope.generation
  if ((generation !== undefined) !== (envelope.formatVersion === GENERATED_RECORD_FORMAT_VERSION)) {
    throw new InvalidRecordError(`a record carries a generation stamp exactly when its format version is ${GENERATED_RECORD_FORMAT_VERSION}`)
  }
  if (generation !== undefined) writer.string(generation.forRole).varint(generation.term).string(generation.requestId)
  return writer
    .u64(envelope.created)
    .u64(envelope.updated)
    .raw(envelope.ciphertextHash)
    .bytes(envelope.ciphertext)
    .finish()
}

export function encodeEnvelope (envelope: RecordEnvelope): Uint8Array {
  const body = encodeUnsigned(envelope)
  const out = new Uint8Array(body.length + SIGNATURE_BYTES)
  out.set(body)
  out.set(envelope.signature, body.length)
  lengths.set(envelope, out.length)
  return out
}

// Encoded sizes of envelopes already decoded or encoded, so sibling-set byte
// bounds cost nothing on the usual path.
const lengths = new WeakMap<RecordEnvelope, number>()

/** How many bytes `envelope` encodes to. */
export function encodedLength (envelope: RecordEnvelope): number {
  return lengths.get(envelope) ?? encodeEnvelope(envelope).length
}

/** Strict decoding: exactly one byte form per envelope, anything else is InvalidRecordError. */
export function decodeEnvelope (bytes: Uint8Array): RecordEnvelope {
  try {
    const reader = new ByteReader(bytes)
    const magic = reader.raw(MAGIC.length, 'magic')
    if (!magic.every((byte, i) => byte === MAGIC[i])) throw new CodecError('not a slurp record (bad magic)')
    const formatVersion = reader.u8('format version')
    if (formatVersion !== RECORD_FORMAT_VERSION && formatVersion !== GENERATED_RECORD_FORMAT_VERSION) throw new CodecError(`unsupported record format version ${formatVersion}`)
    const key = reader.string('key', MAX_KEY_BYTES)
    const count = reader.varint('clock size', MAX_CLOCK_ENTRIES)
    const clock: Record<string, number> = {}
    let previous = ''
    for (let i = 0; i < count; i++) {
      const actor = toBase64url(reader.raw(PUBLIC_KEY_BYTES, 'clock actor'))
      const counter = reader.varint('clock counter')
      if (counter === 0) throw new CodecError('clock counters must be positive')
      if (i > 0 && actor <= previous) throw new CodecError('clock actors must be sorted and unique')
      clock[actor] = counter
      previous = actor
    }
    const author = reader.raw(PUBLIC_KEY_BYTES, 'author key')
    const certificate = decodeCertificate(reader.bytesField('certificate', MAX_CERTIFICATE_BYTES))
    const role = reader.string('role', 64)
    const contentType = reader.string('content type', 64)
    const generation = formatVersion === GENERATED_RECORD_FORMAT_VERSION ? readGeneration(reader) : undefined
    const created = reader.u64('created')
    const updated = reader.u64('updated')
    const ciphertextHash = reader.raw(HASH_BYTES, 'ciphertext hash')
    const ciphertext = reader.bytesField('ciphertext')
    const signature = reader.raw(SIGNATURE_BYTES, 'signature')
    reader.end('record')
    const envelope = { formatVersion, key, clock, author, certificate, role, contentType, ...(generation === undefined ? {} : { generation }), created, updated, ciphertextHash, ciphertext, signature }
    lengths.set(envelope, bytes.length)
    return envelope
  } catch (error) {
    if (error instanceof CodecError) throw new InvalidRecordError(`malformed record: ${error.message}`, { cause: error })
    if (error instanceof InvalidRecordError) throw error
    // Certificate errors inside an envelope make the envelope malformed.
    throw new InvalidRecordError(`malformed record: ${(error as Error).message}`, { cause: error })
  }
}

function readGeneration (reader: ByteReader): GenerationStamp {
  const forRole = reader.string('generated-for role', 64)
  const term = reader.varint('generation term')
  if (term === 0) throw new CodecError('a generation term is positive')
  const requestId = reader.string('generation request id', MAX_REQUEST_ID_BYTES)
  if (forRole.length === 0 || requestId.length === 0) throw new CodecError('a generation stamp names a role and a request')
  return { forRole, term, requestId }
}

function actorBytes (actor: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = fromBase64url(actor)
  } catch {
    throw new InvalidRecordError(`clock actor "${actor}" is not a base64url public key`)
  }
  if (bytes.length !== PUBLIC_KEY_BYTES) throw new InvalidRecordError(`clock actor "${actor}" is not a 32-byte public key`)
  return bytes
}
