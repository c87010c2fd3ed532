import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../encoding/bytes.ts'
import { recipientToPublicKey } from './age-keys.ts'

/**
 * A short, stable name for a role key that is safe to show and log:
 * `sha256:` and the first 16 bytes of the hash of the raw public key, in hex.
 */
export function keyFingerprint (recipient: string): string {
  return `sha256:${toHex(sha256(recipientToPublicKey(recipient)).subarray(0, 16))}`
}
