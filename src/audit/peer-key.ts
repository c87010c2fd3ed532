import { base58 } from '@scure/base'
import { equalBytes } from '../encoding/bytes.ts'
import { InvalidKeyError } from '../errors.ts'

/**
 * A relay signs its checkpoints with its libp2p key, so its peer id alone says
 * which key must have signed them. An Ed25519 peer id is the identity multihash
 * of the protobuf-encoded public key, written in base58btc ("12D3KooW…"):
 *   0x00 0x24 | 0x08 0x01 (KeyType Ed25519) 0x12 0x20 (Data, 32 bytes) | key
 * Read here directly, so verifiers (browsers included) need no libp2p.
 */
const PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20])
const KEY_BYTES = 32

/** The Ed25519 public key an Ed25519 peer id carries; InvalidKeyError for any other peer id. */
export function publicKeyOfPeer (peerId: string): Uint8Array {
  let bytes: Uint8Array
  try {
    bytes = base58.decode(peerId)
  } catch (cause) {
    throw new InvalidKeyError(`not a base58 peer id: ${peerId.slice(0, 64)}`, { cause })
  }
  if (bytes.length !== PREFIX.length + KEY_BYTES || !equalBytes(bytes.subarray(0, PREFIX.length), PREFIX)) {
    throw new InvalidKeyError(`not an Ed25519 peer id: ${peerId.slice(0, 64)}`)
  }
  return bytes.slice(PREFIX.length)
}

/** The peer id libp2p gives the node whose Ed25519 public key this is. */
export function peerIdOfPublicKey (publicKey: Uint8Array): string {
  if (publicKey.length !== KEY_BYTES) throw new InvalidKeyError(`an Ed25519 public key is ${KEY_BYTES} bytes, got ${publicKey.length}`)
  const bytes = new Uint8Array(PREFIX.length + KEY_BYTES)
  bytes.set(PREFIX)
  bytes.set(publicKey, PREFIX.length)
  return base58.encode(bytes)
}
