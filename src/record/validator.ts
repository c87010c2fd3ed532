import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64url } from '../encoding/base64url.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { InvalidRecordError, InvalidSignatureError, MemberRevokedError, RecordTooLargeError, WriteNotAllowedError } from '../errors.ts'
import { revokedAt } from '../trust/policy-keys.ts'
import { isContentType, mayWrite } from '../roles/authority.ts'
import { verifyCertificate } from '../trust/certificate.ts'
import { signedPayload } from '../trust/domain.ts'
import type { Policy } from '../trust/policy.ts'
import { SIGNATURE_BYTES, verifySignature } from '../trust/signing-key.ts'
import { decodeEnvelope } from './envelope.ts'
import { checkGenerationStamp } from './generation.ts'
import type { RecordEnvelope } from './envelope.ts'

export interface ValidationContext {
  readonly rootPublicKey: Uint8Array
  readonly policy: Policy
  /** Milliseconds since the epoch; injectable for tests. */
  readonly now?: () => number
  /** How far in the future `updated` may be, for clocks that run fast. */
  readonly maxClockSkewMs?: number
}

/**
 * Where a record comes from, which decides the time its certificate is judged at.
 * 'member': a member's write reaching the network for the first time (record
 * protocol, HTTP gateway): the certificate must be valid now and at the
 * record's signed time (`updated`), so an expired member cannot backdate.
 * 'replica': a version someone already accepted (replication between relays,
 * a reader verifying what relays hold): judged at its signed time only, so
 * records outlive their author's certificate (issue 10 finding 5).
 */
export type RecordOrigin = 'member' | 'replica'

export interface ValidateOptions {
  /** Default 'member', the strictest. */
  readonly origin?: RecordOrigin
}

const DHT_KEY = /^\/slurp\/ucxl\/[A-Za-z0-9_-]{43}$/
const DEFAULT_CLOCK_SKEW_MS = 5 * 60_000

/**
 * What every relay runs on every incoming record, cheapest checks first:
 * size, shape, key binding, author binding, timestamps, write authority,
 * content hash, then the signatures (record, then certificate chain to the
 * root, judged at the record's signed time and, for a member's write, now).
 * Returns the decoded envelope or throws a named error; never stores anything.
 */
export async function validateRecord (bytes: Uint8Array, context: ValidationContext, expectedKey?: string, options: ValidateOptions = {}): Promise<RecordEnvelope> {
  const record = checkRecord(bytes, context, expectedKey)
  checkRevocation(record, context, options.origin ?? 'member')
  await verifyRecord(bytes, record, context, options)
  return record
}

/**
 * The cheap part, no signature checked: size, shape, key and author binding,
 * timestamps, content type, role and write authority. Runs before anything
 * else is read or computed for an incoming record.
 */
export function checkRecord (bytes: Uint8Array, context: ValidationContext, expectedKey?: string): RecordEnvelope {
  const limit = context.policy.limits.maxRecordBytes
  if (bytes.length > limit) throw new RecordTooLargeError(`record is ${bytes.length} bytes; the network allows ${limit}`)
  const record = decodeEnvelope(bytes)

  if (!DHT_KEY.test(record.key)) throw new InvalidRecordError(`record key "${record.key.slice(0, 80)}" is not a slurp DHT key`)
  if (expectedKey !== undefined && record.key !== expectedKey) {
    throw new InvalidRecordError('record key binding failed: it was signed for another key')
  }
  if (!equalBytes(record.author, record.certificate.member)) {
    throw new InvalidRecordError('record author is not the member its certificate names')
  }
  const now = context.now?.() ?? Date.now()
  if (record.created > record.updated) throw new InvalidRecordError('record created after it was updated')
  if (record.updated > now + (context.maxClockSkewMs ?? DEFAULT_CLOCK_SKEW_MS)) {
    throw new InvalidRecordError('record updated timestamp is in the future')
  }
  if ((record.clock[toBase64url(record.author)] ?? 0) < 1) {
    throw new InvalidRecordError('record clock has no entry for its author: a write must advance its own counter')
  }
  if (!record.certificate.roles.includes(record.role)) {
    throw new WriteNotAllowedError(`author's certificate does not grant role "${record.role}"`)
  }
  const role = context.policy.roles[record.role]
  if (role === undefined || !Object.hasOwn(context.policy.roles, record.role)) {
    throw new WriteNotAllowedError(`role "${record.role}" is not in policy version ${context.policy.version}`)
  }
  if (!isContentType(record.contentType)) throw new InvalidRecordError(`unknown content type "${record.contentType.slice(0, 64)}"`)
  if (!mayWrite(context.policy.writeRules, role.authority, record.contentType)) {
    throw new WriteNotAllowedError(`role "${record.role}" (${role.authority}) may not write ${record.contentType} records`)
  }
  checkGenerationStamp(record, context.policy)
  return record
}

/**
 * A revoked member's writes are refused from the revocation on: a first-hand
 * write at any signed time (it could backdate), and a replica signed at or
 * after the revocation. What it wrote before stays valid and replicable.
 */
export function checkRevocation (record: RecordEnvelope, context: ValidationContext, origin: RecordOrigin): void {
  const at = revokedAt(context.policy, toBase64url(record.author))
  if (at === undefined) return
  if (origin === 'member') throw new MemberRevokedError(`the author was revoked by policy version ${context.policy.version}; its writes are refused`)
  if (record.updated >= at) throw new MemberRevokedError(`the record was signed after its author was revoked (${new Date(at).toISOString()})`)
}

/** The costly part, on a record checkRecord returned: content hash, signature, certificate chain. */
export async function verifyRecord (bytes: Uint8Array, record: RecordEnvelope, context: ValidationContext, options: ValidateOptions = {}): Promise<void> {
  if (!equalBytes(sha256(record.ciphertext), record.ciphertextHash)) {
    throw new InvalidRecordError('ciphertext hash does not match the ciphertext')
  }
  const signed = signedPayload('record', bytes.subarray(0, bytes.length - SIGNATURE_BYTES))
  if (!await verifySignature(record.author, record.signature, signed)) {
    throw new InvalidSignatureError('record signature does not verify under its author key')
  }
  const check = { rootPublicKey: context.rootPublicKey, policy: context.policy }
  await verifyCertificate(record.certificate, { ...check, now: record.updated })
  if ((options.origin ?? 'member') === 'member') await verifyCertificate(record.certificate, { ...check, now: context.now?.() ?? Date.now() })
}
