import { isRecipient } from '../crypto/age-keys.ts'
import { fromBase64url } from '../encoding/base64url.ts'
import { InvalidShareError } from '../errors.ts'
import { parseCustodian } from './custodian.ts'
import { SHARE_BYTES } from './payload.ts'
import { isEscrowSubject } from './subject.ts'
import type { EscrowSubject } from './subject.ts'

/**
 * One custodian's share, as JSON. Every field but `share` and `custodian`
 * is the same in every share of one split; combining checks that.
 */
export const SHARE_FORMAT = 'slurp-escrow-share/1'
/** Shamir over GF(256): at most 255 shares, and at least 2 to be a split at all. */
export const MIN_SHARES = 2
export const MAX_SHARES = 255

export interface EscrowShare {
  readonly format: typeof SHARE_FORMAT
  /** The network root's Ed25519 public key, base64url. */
  readonly network: string
  readonly subject: EscrowSubject
  /** What the rebuilt key must derive to: the root public key (base64url) or the role's age recipient (age1…). */
  readonly publicKey: string
  /** Shares needed to rebuild. */
  readonly threshold: number
  /** Shares made (N). */
  readonly shares: number
  /** 1…N, this share's place in the split. */
  readonly index: number
  /** The Shamir share, base64url (SHARE_BYTES bytes). */
  readonly share: string
  /** Who it is for: an age recipient or a member public key (base64url). */
  readonly custodian: string
}

const FIELDS = ['format', 'network', 'subject', 'publicKey', 'threshold', 'shares', 'index', 'share', 'custodian'] as const
/** A share document is a few hundred bytes; anything far bigger is not one. */
const MAX_SHARE_TEXT = 8192

/** Pretty JSON, fields in the documented order. */
export function formatShare (share: EscrowShare): string {
  const ordered = Object.fromEntries(FIELDS.map(field => [field, share[field]]))
  return `${JSON.stringify(ordered, null, 2)}\n`
}

/** Parses and checks a share document; anything else is an InvalidShareError. */
export function parseShare (text: string): EscrowShare {
  if (typeof text !== 'string') throw new InvalidShareError('a share document is text')
  if (text.length > MAX_SHARE_TEXT) throw new InvalidShareError(`a share document is at most ${MAX_SHARE_TEXT} characters`)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new InvalidShareError('a share document is JSON, and this does not parse', { cause })
  }
  return checkShare(value)
}

/** Checks a parsed value field by field: strict, so a share from another tool or version is refused, not misread. */
export function checkShare (value: unknown): EscrowShare {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidShareError('a share document is a JSON object')
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw new InvalidShareError(`unexpected field "${shorten(key)}" in a share document`)
  }
  for (const field of FIELDS) {
    if (!Object.hasOwn(record, field)) throw new InvalidShareError(`a share document needs "${field}"`)
  }
  const { format, network, subject, publicKey, threshold, shares, index, share, custodian } = record
  if (format !== SHARE_FORMAT) throw new InvalidShareError(`not a ${SHARE_FORMAT} document`)
  if (!isKey32(network)) throw new InvalidShareError('"network" must be the root public key (32 bytes, base64url)')
  if (!isEscrowSubject(subject)) throw new InvalidShareError('"subject" must be "root" or "role:<name>"')
  if (subject === 'root' ? publicKey !== network : !isRecipient(publicKey)) {
    throw new InvalidShareError(subject === 'root' ? 'the root\'s "publicKey" must be the network key' : 'a role\'s "publicKey" must be an age recipient (age1…)')
  }
  if (!isWhole(threshold, MIN_SHARES, MAX_SHARES)) throw new InvalidShareError(`"threshold" must be a whole number from ${MIN_SHARES} to ${MAX_SHARES}`)
  if (!isWhole(shares, threshold, MAX_SHARES)) throw new InvalidShareError(`"shares" must be a whole number from the threshold (${threshold}) to ${MAX_SHARES}`)
  if (!isWhole(index, 1, shares)) throw new InvalidShareError(`"index" must be a whole number from 1 to ${shares}`)
  if (!isShareBytes(share)) throw new InvalidShareError(`"share" must be ${SHARE_BYTES} bytes of base64url ending in a non-zero x coordinate`)
  if (typeof custodian !== 'string') throw new InvalidShareError('"custodian" must be an age recipient or a member public key')
  let normal: string
  try {
    normal = parseCustodian(custodian).id
  } catch (cause) {
    throw new InvalidShareError('"custodian" must be an age recipient or a member public key', { cause })
  }
  if (normal !== custodian) throw new InvalidShareError('"custodian" must be written as split writes it (no spaces)')
  return { format, network, subject, publicKey: publicKey as string, threshold, shares, index, share, custodian }
}

/** The Shamir share's bytes (already checked by parseShare). */
export function shareBytes (share: EscrowShare): Uint8Array {
  return fromBase64url(share.share)
}

function isWhole (value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}

function decodes (value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || value.length > 256) return undefined
  try {
    return fromBase64url(value)
  } catch {
    return undefined
  }
}

function isKey32 (value: unknown): value is string {
  return decodes(value)?.length === 32
}

function isShareBytes (value: unknown): value is string {
  const bytes = decodes(value)
  return bytes?.length === SHARE_BYTES && bytes[SHARE_BYTES - 1] !== 0
}

function shorten (text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text
}
