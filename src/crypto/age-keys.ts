import { bech32 } from '@scure/base'
import { InvalidKeyError } from '../errors.ts'

/**
 * age's native X25519 key strings: identities `AGE-SECRET-KEY-1…` and
 * recipients `age1…`, bech32 around 32 raw bytes, as the `age` tool writes them.
 */
const IDENTITY_PREFIX = 'AGE-SECRET-KEY-'
const RECIPIENT_PREFIX = 'age'

export function identityToScalar (identity: string): Uint8Array {
  const trimmed = identity.trim()
  if (!trimmed.startsWith(`${IDENTITY_PREFIX}1`)) {
    throw new InvalidKeyError('an age identity starts with AGE-SECRET-KEY-1')
  }
  try {
    const { prefix, bytes } = bech32.decodeToBytes(trimmed)
    if (prefix.toUpperCase() !== IDENTITY_PREFIX || bytes.length !== 32) throw new Error('wrong prefix or length')
    return bytes
  } catch (cause) {
    throw new InvalidKeyError('malformed age identity', { cause })
  }
}

export function scalarToIdentity (scalar: Uint8Array): string {
  return bech32.encodeFromBytes(IDENTITY_PREFIX, scalar).toUpperCase()
}

export function recipientToPublicKey (recipient: string): Uint8Array {
  const trimmed = recipient.trim()
  // The bech32 prefix is everything before the last '1', so post-quantum
  // (age1pq1…) and tag (age1tag1…) recipients fail the prefix check below.
  if (!trimmed.startsWith('age1')) {
    throw new InvalidKeyError(`"${truncate(trimmed)}" is not an age X25519 recipient (age1…)`)
  }
  try {
    const { prefix, bytes } = bech32.decodeToBytes(trimmed)
    if (prefix !== RECIPIENT_PREFIX || bytes.length !== 32) throw new Error('wrong prefix or length')
    return bytes
  } catch (cause) {
    throw new InvalidKeyError(`malformed age recipient "${truncate(trimmed)}"`, { cause })
  }
}

export function publicKeyToRecipient (publicKey: Uint8Array): string {
  return bech32.encodeFromBytes(RECIPIENT_PREFIX, publicKey)
}

export function isRecipient (value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    recipientToPublicKey(value)
    return true
  } catch {
    return false
  }
}

function truncate (text: string): string {
  return text.length > 24 ? `${text.slice(0, 24)}…` : text
}
