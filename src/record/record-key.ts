import { sha256 } from '@noble/hashes/sha2.js'
import { DHT_KEY_PREFIX, dhtKey, normaliseAddress } from '../address/index.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { utf8Encode } from '../encoding/bytes.ts'

/**
 * Where a record for `address` is stored. Context, decisions and tasks live at
 * the address's own key; suggestions live beside them, at a key derived from
 * the address under another label, so a suggestion never stands on top of the
 * context it comments on (issue 10 finding 4). Both are hashes: relays learn
 * neither the address nor which of two keys belong together.
 */
export async function recordKey (address: string, contentType: string): Promise<string> {
  return contentType === 'suggestion' ? await suggestionKey(address) : await dhtKey(address)
}

/** The key every author's suggestions for `address` are siblings under. */
export async function suggestionKey (address: string): Promise<string> {
  const labelled = utf8Encode(`slurp suggestions\n${normaliseAddress(address)}`)
  return DHT_KEY_PREFIX + toBase64url(sha256(labelled))
}
