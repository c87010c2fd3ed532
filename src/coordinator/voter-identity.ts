import { generateKeyPairFromSeed, publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { InvalidKeyError } from '../errors.ts'
import { PUBLIC_KEY_BYTES } from '../trust/signing-key.ts'

/**
 * A voter's libp2p identity is its member key: the same Ed25519 seed gives the
 * member signing key and the libp2p key, so the policy names voters by member
 * public key and everyone derives the peer ids to dial and to accept Raft
 * messages from. The Noise handshake signs with a domain prefix of its own
 * ("noise-libp2p-static-key:"), so its signatures cannot pass for a record's.
 */
export function voterPeerId (memberPublicKey: Uint8Array): PeerId {
  if (memberPublicKey.length !== PUBLIC_KEY_BYTES) throw new InvalidKeyError(`a member public key is ${PUBLIC_KEY_BYTES} bytes, got ${memberPublicKey.length}`)
  return peerIdFromPublicKey(publicKeyFromRaw(memberPublicKey))
}

/** The libp2p private key a voter runs with, from its member key's 32-byte seed. */
export async function voterPrivateKey (seed: Uint8Array): Promise<PrivateKey> {
  if (seed.length !== 32) throw new InvalidKeyError(`an Ed25519 seed is 32 bytes, got ${seed.length}`)
  return await generateKeyPairFromSeed('Ed25519', seed)
}
