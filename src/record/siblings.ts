import { sha256 } from '@noble/hashes/sha2.js'
import { compare } from '../clock/vector-clock.ts'
import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { InvalidRecordError } from '../errors.ts'
import { decodeEnvelope, encodeEnvelope, encodedLength } from './envelope.ts'
import type { RecordEnvelope } from './envelope.ts'
import { fencingOrder } from './generation.ts'

/**
 * Version order. What is stored under a key is a set of mutually concurrent
 * versions ("siblings"); usually one. A newer version replaces every version
 * it dominates; a dominated or equal one is stale and changes nothing.
 *
 * Every bound below lets go of versions by the deterministic order, never by
 * arrival, so relays that exchange what they hold (anti-entropy) end with the
 * same set. (Arrival order alone can still differ in one case: a version
 * dominated only by one that a bound let go is stale on a relay that saw the
 * dominating one first, and kept on one that did not; the exchange brings it
 * to both.)
 */
export const MAX_SIBLINGS = 64
/**
 * The encoded versions under one key stay within this, so a sibling set (and
 * any answer carrying it: a get, a version conflict, a sync batch) fits in one
 * request-channel frame (MAX_MESSAGE_BYTES, 8 MiB) with room to spare. The
 * winner is always kept, whatever its size (one record is bounded by the
 * policy's maxRecordBytes).
 */
export const MAX_SIBLING_SET_BYTES = 4 * 1024 * 1024

export type MergeOutcome =
  | 'stored'     // nothing was stored before
  | 'replaced'   // dominates everything stored
  | 'sibling'    // concurrent with at least one stored version: kept beside it
  | 'duplicate'  // this exact version is already stored
  | 'stale'      // dominated by (or clock-equal to) a stored version, or let go by a bound

/** Why a version that is not dominated was still let go. */
export type DropReason =
  | 'author'     // its author has a concurrent version that wins: one open sibling per author
  | 'limit'      // it lost the deterministic order and the set is full (count or bytes)
  | 'fenced'     // a generated result of a request whose later term's result is held (a deposed leader's)

export interface MergeResult {
  readonly outcome: MergeOutcome
  /** The sibling set to store: unchanged for 'duplicate' and 'stale'. */
  readonly siblings: readonly RecordEnvelope[]
  /** Set when the incoming version was concurrent but not kept ('stale'). */
  readonly dropped?: DropReason
  /** Stored versions the incoming one pushed out (dominated, or lost to it by a bound). */
  readonly displaced: readonly RecordEnvelope[]
}

export function mergeVersion (stored: readonly RecordEnvelope[], incoming: RecordEnvelope): MergeResult {
  if (stored.length === 0) return { outcome: 'stored', siblings: [incoming], displaced: [] }
  const kept: RecordEnvelope[] = []
  for (const existing of stored) {
    // Fencing comes before the clocks: two leaders' results are concurrent by clock, and only the later term's may stand.
    const fencing = fencingOrder(incoming, existing)
    if (fencing === 'older') return { outcome: 'stale', siblings: stored, dropped: 'fenced', displaced: [] }
    if (fencing === 'newer') continue
    const order = compare(incoming.clock, existing.clock)
    if (order === 'equal') {
      const same = equalBytes(existing.signature, incoming.signature)
      return { outcome: same ? 'duplicate' : 'stale', siblings: stored, displaced: [] }
    }
    if (order === 'before') return { outcome: 'stale', siblings: stored, displaced: [] }
    if (order === 'concurrent') kept.push(existing)
  }
  const siblings = boundSiblings([...kept, incoming])
  if (!siblings.includes(incoming)) {
    const dropped = siblings.some(sibling => equalBytes(sibling.author, incoming.author)) ? 'author' : 'limit'
    return { outcome: 'stale', siblings: stored, dropped, displaced: [] }
  }
  const displaced = stored.filter(existing => !siblings.includes(existing))
  return { outcome: siblings.length === 1 ? 'replaced' : 'sibling', siblings, displaced }
}

/**
 * Winner first, then: at most one open sibling per author (a member cannot
 * grow a key by writing concurrent versions with itself), at most
 * MAX_SIBLINGS versions and MAX_SIBLING_SET_BYTES bytes. The losers of the
 * deterministic order are the ones let go, on every node alike.
 */
export function boundSiblings (versions: readonly RecordEnvelope[]): RecordEnvelope[] {
  const out: RecordEnvelope[] = []
  const authors = new Set<string>()
  let bytes = 0
  for (const version of sortByWinner(versions)) {
    const author = toBase64url(version.author)
    if (authors.has(author) || versions.some(other => fencingOrder(version, other) === 'older')) continue
    const size = encodedLength(version)
    // A prefix of the order, so adding a version never brings back one let go.
    if (out.length === MAX_SIBLINGS || (out.length > 0 && bytes + size > MAX_SIBLING_SET_BYTES)) break
    authors.add(author)
    out.push(version)
    bytes += size
  }
  return out
}

/**
 * The deterministic winner among concurrent versions, the same on every node:
 * last writer wins on `updated`, ties broken by author key then signature bytes.
 */
export function selectWinner (siblings: readonly RecordEnvelope[]): RecordEnvelope | undefined {
  return sortByWinner(siblings)[0]
}

/** Winner first. */
export function sortByWinner (siblings: readonly RecordEnvelope[]): RecordEnvelope[] {
  return [...siblings].sort((a, b) => b.updated - a.updated || compareBytes(b.author, a.author) || compareBytes(b.signature, a.signature))
}

/** How a relay stores a sibling set under one key. */
export function encodeSiblings (siblings: readonly RecordEnvelope[]): Uint8Array {
  const writer = new ByteWriter().u8(1).varint(siblings.length)
  for (const sibling of siblings) writer.bytes(encodeEnvelope(sibling))
  return writer.finish()
}

export function decodeSiblings (bytes: Uint8Array): RecordEnvelope[] {
  try {
    const reader = new ByteReader(bytes)
    if (reader.u8('sibling set version') !== 1) throw new CodecError('unsupported sibling set version')
    const count = reader.varint('sibling count', MAX_SIBLINGS)
    const siblings: RecordEnvelope[] = []
    for (let i = 0; i < count; i++) siblings.push(decodeEnvelope(reader.bytesField('sibling')))
    reader.end('sibling set')
    return siblings
  } catch (error) {
    if (error instanceof CodecError) throw new InvalidRecordError(`malformed sibling set: ${error.message}`, { cause: error })
    throw error
  }
}

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const diff = (a[i] as number) - (b[i] as number)
    if (diff !== 0) return diff
  }
  return a.length - b.length
}

/**
 * One 32-byte name for a sibling set: sha256 over its versions' signatures in
 * sorted order. Two relays hold the same versions exactly when these agree,
 * which is what anti-entropy compares.
 */
export function siblingSetDigest (siblings: readonly RecordEnvelope[]): Uint8Array {
  const signatures = siblings.map(s => s.signature).sort(compareBytes)
  const all = new Uint8Array(signatures.length * 64)
  signatures.forEach((signature, i) => { all.set(signature, i * 64) })
  return sha256(all)
}
