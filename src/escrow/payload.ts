import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes, utf8Encode } from '../encoding/bytes.ts'

/**
 * What is split: the 32-byte key followed by a 16-byte tag, a hash of it.
 *
 * Checking the public key the rebuilt key derives to catches almost every
 * bad rebuild, but not all: X25519 ignores the low three bits and the top
 * bit of a scalar (clamping), so a damaged share that only changes those
 * would rebuild a different identity string that still verifies. The tag
 * catches that, and any other damage, with odds of 2^-128 of a miss. Shamir
 * protects each byte alike, so fewer shares than the threshold reveal
 * nothing of the tag either.
 */
export const SECRET_BYTES = 32
export const TAG_BYTES = 16
/** A share: one byte per payload byte, then its x coordinate (1–255). */
export const SHARE_BYTES = SECRET_BYTES + TAG_BYTES + 1

const TAG_DOMAIN = utf8Encode('slurp/escrow-tag/v1\n')

function tagOf (secret: Uint8Array): Uint8Array {
  return sha256(concatBytes(TAG_DOMAIN, secret)).subarray(0, TAG_BYTES)
}

export function tagged (secret: Uint8Array): Uint8Array {
  return concatBytes(secret, tagOf(secret))
}

/** The key inside a rebuilt payload, or undefined when its tag does not match. */
export function untagged (payload: Uint8Array): Uint8Array | undefined {
  if (payload.length !== SECRET_BYTES + TAG_BYTES) return undefined
  const secret = payload.slice(0, SECRET_BYTES)
  return equalBytes(tagOf(secret), payload.subarray(SECRET_BYTES)) ? secret : undefined
}
