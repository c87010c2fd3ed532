import { isRecipient } from '../crypto/age-keys.ts'
import { memberRecipient } from '../crypto/member-recipient.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { InvalidKeyError, UsageError } from '../errors.ts'

/**
 * Who holds a share: anyone with an age identity (`age1…`), or a member of
 * the network named by its Ed25519 public key (base64url, as member.json's
 * `publicKey`), whose member key opens the share (see memberRecipient).
 */
export interface Custodian {
  /** As given: the age recipient or the member key, base64url. */
  readonly id: string
  readonly kind: 'age' | 'member'
  /** The age recipient the share is encrypted to. */
  readonly recipient: string
}

const MAX_CUSTODIAN_LENGTH = 200

export function parseCustodian (entry: string): Custodian {
  const id = entry.trim()
  // Through `unknown`: isRecipient's type guard would narrow a string to never.
  const candidate: unknown = id
  if (isRecipient(candidate)) return { id, kind: 'age', recipient: id }
  const key = id.length <= MAX_CUSTODIAN_LENGTH ? decoded(id) : undefined
  if (key === undefined || key.length !== 32) {
    throw new InvalidKeyError(`custodian "${shorten(id)}" is neither an age recipient (age1…) nor a member public key (32 bytes, base64url)`)
  }
  return { id: toBase64url(key), kind: 'member', recipient: memberRecipient(key) }
}

/** A comma list of custodians; the same custodian twice would hold two shares, so it is refused. */
export function parseCustodians (list: string): Custodian[] {
  const custodians = list.split(',').map(entry => entry.trim()).filter(entry => entry !== '').map(parseCustodian)
  const seen = new Set<string>()
  for (const custodian of custodians) {
    if (seen.has(custodian.recipient)) throw new UsageError(`custodian "${shorten(custodian.id)}" is listed twice: each custodian holds one share`)
    seen.add(custodian.recipient)
  }
  return custodians
}

function decoded (text: string): Uint8Array | undefined {
  try {
    return fromBase64url(text)
  } catch {
    return undefined
  }
}

function shorten (text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text
}
