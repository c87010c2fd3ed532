import { sha256 } from '@noble/hashes/sha2.js'

/**
 * Anti-entropy splits the key space into 64 buckets by the first character of
 * a key's hash part (base64url, so uniform). A bucket's digest is the XOR of
 * sha256(key ‖ sibling-set digest) over its keys: order-free, so two relays
 * holding the same versions of the same keys compute the same 32 bytes.
 */
export const BUCKETS = 64
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
const HASH_START = '/slurp/ucxl/'.length

export function bucketOf (key: string): number {
  const index = ALPHABET.indexOf(key.charAt(HASH_START))
  return index < 0 ? 0 : index
}

export interface BucketSummary {
  readonly digests: Uint8Array[]
  readonly counts: number[]
}

export function summarise (index: ReadonlyMap<string, Uint8Array>): BucketSummary {
  const digests = Array.from({ length: BUCKETS }, () => new Uint8Array(32))
  const counts = new Array<number>(BUCKETS).fill(0)
  const encoder = new TextEncoder()
  for (const [key, digest] of index) {
    const bucket = bucketOf(key)
    const keyBytes = encoder.encode(key)
    const entry = new Uint8Array(keyBytes.length + digest.length)
    entry.set(keyBytes)
    entry.set(digest, keyBytes.length)
    const hash = sha256(entry)
    const target = digests[bucket] as Uint8Array
    for (let i = 0; i < 32; i++) target[i] = (target[i] as number) ^ (hash[i] as number)
    counts[bucket] = (counts[bucket] as number) + 1
  }
  return { digests, counts }
}

export function entriesIn (index: ReadonlyMap<string, Uint8Array>, buckets: readonly number[]): Array<[string, Uint8Array]> {
  const wanted = new Set(buckets)
  return [...index].filter(([key]) => wanted.has(bucketOf(key)))
}
