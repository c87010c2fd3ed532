import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { ed25519 } from '@noble/curves/ed25519.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { compareBytes as compare, sortByDistance, xor } from '../../src/net/closest.ts'

// An Ed25519 peer id is the identity multihash of the protobuf public key:
// 0x00 (identity) 0x24 (36 bytes) 0x08 0x01 (type Ed25519) 0x12 0x20 (32 bytes).
const MULTIHASH_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
const MAX_TRIES = 5_000_000

/**
 * A key pair whose peer id is closer (XOR, as placement measures it) to `key`
 * than every one of `others`, as an attacker grinding identities would make.
 * The number of tries has a heavy tail (when one of `others` happens to sit
 * very close, P(tries > T) ≈ others.length / T): a few in ten thousand grinds
 * need more than 10,000, so each try is kept cheap (no libp2p key object until
 * one fits) and the bound is far out of reach.
 */
export async function identityCloserThan (key: string, others: readonly PeerId[]): Promise<PrivateKey> {
  const keyBytes = new TextEncoder().encode(key)
  const target = sha256(keyBytes)
  const best = others.map(peer => xor(target, sha256(peer.toMultihash().bytes))).reduce<Uint8Array | undefined>((a, b) => a === undefined || compare(b, a) < 0 ? b : a, undefined)
  const multihash = new Uint8Array(MULTIHASH_PREFIX.length + 32)
  multihash.set(MULTIHASH_PREFIX)
  for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
    const seed = crypto.getRandomValues(new Uint8Array(32))
    const publicKey = ed25519.getPublicKey(seed)
    multihash.set(publicKey, MULTIHASH_PREFIX.length)
    if (best !== undefined && compare(xor(target, sha256(multihash)), best) >= 0) continue
    const raw = new Uint8Array(64)
    raw.set(seed)
    raw.set(publicKey, 32)
    const privateKey = privateKeyFromRaw(raw)
    const candidate = peerIdFromPrivateKey(privateKey)
    // The shortcut above must agree with placement itself.
    if (sortByDistance(keyBytes, [candidate, ...others])[0] !== candidate) throw new Error('grinding disagrees with sortByDistance: the peer id encoding changed')
    return privateKey
  }
  throw new Error(`no identity closer to ${key} than ${others.length} peers in ${MAX_TRIES} tries`)
}
