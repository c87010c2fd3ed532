import { sha256 } from '@noble/hashes/sha2.js'
import { toBase64url } from '../encoding/base64url.ts'
import { utf8Encode } from '../encoding/bytes.ts'
import { resolveAddress } from './resolve.ts'
import type { UcxlAddress } from './types.ts'

export const DHT_KEY_PREFIX = '/slurp/ucxl/'

/**
 * The DHT key an address is stored under: a hash of the canonical form, so equivalent
 * spellings share a key and relays never learn the address itself.
 */
export async function dhtKey (address: string | UcxlAddress): Promise<string> {
  const { canonical } = resolveAddress(address)
  // Synchronous: for a few hundred bytes, WebCrypto's digest costs more in its thread hop than the hash (~70 µs against ~3 µs on Node).
  return DHT_KEY_PREFIX + toBase64url(sha256(utf8Encode(canonical)))
}
