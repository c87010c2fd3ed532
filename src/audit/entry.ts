import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { InvalidRecordError } from '../errors.ts'

/**
 * One line of a relay's or a coordinator's audit log: what it did, to which
 * DHT key or peer, when. Entries name DHT keys (hashes of addresses), peer
 * ids, member keys, error codes, Raft terms and times only: never an address,
 * a network address or any content, so a log can be published to anyone who asks.
 *
 * Binary, canonical (one spelling per entry: the leaf hash depends on it):
 *   u8 format=1, u8 kind, u64 time (ms), then by kind:
 *   stored | replaced | sibling:  string key, u8 origin (0 member, 1 replica)
 *   rejected:                     string key, u8 origin, string code
 *   repaired:                     string key, string peer (the relay it was copied to)
 *   cleaned-up:                   string key
 *   policy:                       varint version
 *   revocation:                   string member (base64url public key), u64 at, varint policy version
 *   split-view:                   string peer (the relay whose checkpoints disagree)
 *   election:                     varint term, string leader (the voter that won it: the log's own coordinator)
 *   term:                         varint previous, varint term, u8 0 | 1 string leader (when the change named one)
 * Coordinators write the last two (src/coordinator/election-audit.ts): a term
 * only grows (previous < term), and term 0 has no leader.
 */
export type AuditEntry =
  | { readonly kind: 'stored' | 'replaced' | 'sibling', readonly time: number, readonly key: string, readonly origin: AuditOrigin }
  | { readonly kind: 'rejected', readonly time: number, readonly key: string, readonly origin: AuditOrigin, readonly code: string }
  | { readonly kind: 'repaired', readonly time: number, readonly key: string, readonly peer: string }
  | { readonly kind: 'cleaned-up', readonly time: number, readonly key: string }
  | { readonly kind: 'policy', readonly time: number, readonly version: number }
  | { readonly kind: 'revocation', readonly time: number, readonly member: string, readonly at: number, readonly version: number }
  | { readonly kind: 'split-view', readonly time: number, readonly peer: string }
  | { readonly kind: 'election', readonly time: number, readonly term: number, readonly leader: string }
  | { readonly kind: 'term', readonly time: number, readonly previous: number, readonly term: number, readonly leader?: string }

export type AuditKind = AuditEntry['kind']
/** 'member': a first-hand write; 'replica': a copy from another relay (sync, repair). */
export type AuditOrigin = 'member' | 'replica'

const FORMAT = 1
export const AUDIT_KINDS: readonly AuditKind[] = ['stored', 'replaced', 'sibling', 'rejected', 'repaired', 'cleaned-up', 'policy', 'revocation', 'split-view', 'election', 'term']
const ORIGINS: readonly AuditOrigin[] = ['member', 'replica']
export const MAX_KEY_BYTES = 256
export const MAX_PEER_BYTES = 128
export const MAX_CODE_BYTES = 64
const CODE = /^[A-Z][A-Z0-9_]*$/

export function encodeEntry (entry: AuditEntry): Uint8Array {
  checkEntry(entry)
  const writer = new ByteWriter(96).u8(FORMAT).u8(AUDIT_KINDS.indexOf(entry.kind)).u64(entry.time)
  switch (entry.kind) {
    case 'stored':
    case 'replaced':
    case 'sibling':
      return writer.string(entry.key).u8(ORIGINS.indexOf(entry.origin)).finish()
    case 'rejected':
      return writer.string(entry.key).u8(ORIGINS.indexOf(entry.origin)).string(entry.code).finish()
    case 'repaired':
      return writer.string(entry.key).string(entry.peer).finish()
    case 'cleaned-up':
      return writer.string(entry.key).finish()
    case 'policy':
      return writer.varint(entry.version).finish()
    case 'revocation':
      return writer.string(entry.member).u64(entry.at).varint(entry.version).finish()
    case 'split-view':
      return writer.string(entry.peer).finish()
    case 'election':
      return writer.varint(entry.term).string(entry.leader).finish()
    case 'term':
      writer.varint(entry.previous).varint(entry.term)
      return (entry.leader === undefined ? writer.u8(0) : writer.u8(1).string(entry.leader)).finish()
  }
}

/** Throws InvalidRecordError for anything but the one canonical encoding of an entry. */
export function decodeEntry (bytes: Uint8Array): AuditEntry {
  let entry: AuditEntry
  try {
    const reader = new ByteReader(bytes)
    const format = reader.u8('audit entry format')
    if (format !== FORMAT) throw new CodecError(`unsupported audit entry format ${format}`)
    const kind = AUDIT_KINDS[reader.u8('audit entry kind')]
    if (kind === undefined) throw new CodecError('unknown audit entry kind')
    const time = reader.u64('time')
    const key = (): string => reader.string('key', MAX_KEY_BYTES)
    const peer = (): string => reader.string('peer', MAX_PEER_BYTES)
    const origin = (): AuditOrigin => {
      const value = ORIGINS[reader.u8('origin')]
      if (value === undefined) throw new CodecError('unknown origin')
      return value
    }
    switch (kind) {
      case 'stored':
      case 'replaced':
      case 'sibling':
        entry = { kind, time, key: key(), origin: origin() }
        break
      case 'rejected':
        entry = { kind, time, key: key(), origin: origin(), code: reader.string('code', MAX_CODE_BYTES) }
        break
      case 'repaired':
        entry = { kind, time, key: key(), peer: peer() }
        break
      case 'cleaned-up':
        entry = { kind, time, key: key() }
        break
      case 'policy':
        entry = { kind, time, version: reader.varint('policy version') }
        break
      case 'revocation':
        entry = { kind, time, member: reader.string('member', MAX_PEER_BYTES), at: reader.u64('revoked at'), version: reader.varint('policy version') }
        break
      case 'split-view':
        entry = { kind, time, peer: peer() }
        break
      case 'election':
        entry = { kind, time, term: reader.varint('term'), leader: reader.string('leader', MAX_PEER_BYTES) }
        break
      case 'term': {
        const previous = reader.varint('previous term')
        const term = reader.varint('term')
        const named = reader.u8('leader flag')
        if (named > 1) throw new CodecError('leader flag must be 0 or 1')
        entry = named === 1 ? { kind, time, previous, term, leader: reader.string('leader', MAX_PEER_BYTES) } : { kind, time, previous, term }
        break
      }
    }
    reader.end('audit entry')
  } catch (error) {
    if (error instanceof CodecError) throw new InvalidRecordError(`malformed audit entry: ${error.message}`)
    throw error
  }
  checkEntry(entry)
  if (!equalBytes(encodeEntry(entry), bytes)) throw new InvalidRecordError('audit entry is not canonically encoded')
  return entry
}

function checkEntry (entry: AuditEntry): void {
  const fail = (why: string): never => { throw new InvalidRecordError(`invalid audit entry: ${why}`) }
  if (!AUDIT_KINDS.includes(entry.kind)) fail(`unknown kind ${String(entry.kind)}`)
  if (!Number.isSafeInteger(entry.time) || entry.time < 0) fail('time must be a non-negative integer (ms)')
  const text = (value: unknown, name: string, max: number): void => {
    if (typeof value !== 'string' || value.length === 0 || utf8Length(value) > max) fail(`${name} must be a non-empty string of at most ${max} bytes`)
  }
  if ('key' in entry) text(entry.key, 'key', MAX_KEY_BYTES)
  if ('peer' in entry) text(entry.peer, 'peer', MAX_PEER_BYTES)
  if ('member' in entry) text(entry.member, 'member', MAX_PEER_BYTES)
  if ('origin' in entry && !ORIGINS.includes(entry.origin)) fail('origin must be member or replica')
  if ('code' in entry && (typeof entry.code !== 'string' || entry.code.length > MAX_CODE_BYTES || !CODE.test(entry.code))) fail('code must be an error code like ERR_STALE_RECORD')
  if ('version' in entry && (!Number.isSafeInteger(entry.version) || entry.version < 0)) fail('version must be a non-negative integer')
  if ('at' in entry && (!Number.isSafeInteger(entry.at) || entry.at < 0)) fail('at must be a non-negative integer (ms)')
  if ('term' in entry && (!Number.isSafeInteger(entry.term) || entry.term < 1)) fail('term must be a positive integer')
  if ('previous' in entry && (!Number.isSafeInteger(entry.previous) || entry.previous < 0 || entry.previous >= entry.term)) fail('previous must be a non-negative integer below term (terms only grow)')
  if (entry.kind === 'election' || (entry.kind === 'term' && entry.leader !== undefined)) text(entry.leader, 'leader', MAX_PEER_BYTES)
}

const encoder = new TextEncoder()

function utf8Length (text: string): number {
  // Most keys and peer ids are ASCII: their length in bytes is their length.
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return encoder.encode(text).length
  return text.length
}
