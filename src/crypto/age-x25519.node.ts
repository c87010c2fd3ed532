import { createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { openFileKey, sealFileKey } from './file-key-wrap.ts'
import type { AgePrimitives, X25519KeyAgreement } from './primitives.ts'

/**
 * age primitives on node:crypto (OpenSSL), also used by Bun. X25519 dominates
 * small records, and Node 20's WebCrypto X25519 costs several times more per op.
 */
// Keys move in and out as JWK: on Node 20 a DER import costs ~115 µs and a
// DER export ~90 µs, against ~10 µs and ~2 µs as JWK (measured in bench/).
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

const publicKeys = new Map<string, KeyObject>()
// The X25519 base point, u = 9.
const BASE_POINT = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.concat([Buffer.of(9), Buffer.alloc(31)]).toString('base64url') }, format: 'jwk' })

function publicKeyObject (raw: Uint8Array): KeyObject {
  const id = Buffer.from(raw).toString('hex')
  let key = publicKeys.get(id)
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
    if (publicKeys.size > 1024) publicKeys.clear()
    publicKeys.set(id, key)
  }
  return key
}

function rawPublicKey (key: KeyObject): Uint8Array {
  return new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url'))
}

function keyAgreement (privateKey: KeyObject, publicKey: Uint8Array): X25519KeyAgreement {
  return {
    publicKey,
    agree: async (peer) => new Uint8Array(diffieHellman({ privateKey, publicKey: publicKeyObject(peer) }))
  }
}

export const agePrimitives: AgePrimitives = {
  name: 'node:crypto',
  async generateEphemeral () {
    // Never export a key that generateKeyPairSync made: on Node 20 that can
    // deadlock the thread for good, when the export's allocation runs a GC that
    // frees the finished key generation job, whose destructor waits for the
    // lock the export holds (seen in a put loop as a process asleep on a futex
    // in ExportJWKEdKey ← GC ← ~KeyGenJob; test/crypto/age-x25519-gc.node.test.ts).
    // The public key is X25519(scalar, 9) instead: about 10 µs more per key
    // than the export, where DER output from the job cost 150 µs more.
    const { privateKey } = generateKeyPairSync('x25519')
    return keyAgreement(privateKey, new Uint8Array(diffieHellman({ privateKey, publicKey: BASE_POINT })))
  },
  async importScalar (scalar) {
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' })
    return keyAgreement(privateKey, rawPublicKey(createPublicKey(privateKey)))
  },
  hkdfSha256 (ikm, salt, info, length) {
    return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length))
  },
  seal: sealFileKey,
  open: openFileKey
}
