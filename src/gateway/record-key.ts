import { DHT_KEY_PREFIX } from '../address/dht-key.ts'
import { InvalidAddressError } from '../errors.ts'

/** base64url(sha256(…)): 32 bytes are 43 characters without padding. */
const HASH = /^[A-Za-z0-9_-]{43}$/

export const RECORDS_PATH = '/v1/records/'

/**
 * The full DHT key a gateway path names. The path carries either the 43-char
 * hash part (what clients send: it needs no escaping) or the whole key
 * URL-encoded, as `%2Fslurp%2Fucxl%2F…` (already decoded when it gets here).
 */
export function parseRecordKey (value: string): string {
  const hash = value.startsWith(DHT_KEY_PREFIX) ? value.slice(DHT_KEY_PREFIX.length) : value
  if (!HASH.test(hash)) {
    throw new InvalidAddressError(`"${value.slice(0, 80)}" is not a slurp DHT key (${DHT_KEY_PREFIX} and 43 base64url characters) nor its hash part`)
  }
  return DHT_KEY_PREFIX + hash
}

/** The gateway path for a key (either spelling), relative to the gateway's base. */
export function recordPath (key: string): string {
  return RECORDS_PATH + parseRecordKey(key).slice(DHT_KEY_PREFIX.length)
}
