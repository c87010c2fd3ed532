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
  const digest = await crypto.subtle.digest('SHA-256', utf8Encode(canonical))
  return DHT_KEY_PREFIX + toBase64url(new Uint8Array(digest))
}
