import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { recipientOf } from '../crypto/generate.ts'
import { scalarToIdentity } from '../crypto/age-keys.ts'
import { utf8Encode } from '../encoding/bytes.ts'

/**
 * The admin's age key for sealed reader keys and bundles, derived from the
 * root seed: whoever holds root.key can always re-seal reader keys at a
 * rotation, even after every role key has changed, without another secret
 * file to keep (escrowing the root key covers it too). Domain-separated, so it
 * reveals nothing about the signing key.
 */
export async function adminKeyOf (rootSeed: Uint8Array): Promise<{ identity: string, recipient: string }> {
  const scalar = hkdf(sha256, rootSeed, utf8Encode('slurp'), utf8Encode('slurp/admin-reader-key/1'), 32)
  const identity = scalarToIdentity(scalar)
  return { identity, recipient: await recipientOf(identity) }
}
