import { createPrivateKey, createPublicKey, diffieHellman, hkdfSync, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import { openFileKey, sealFileKey } from './file-key-wrap.ts'
import type { AgePrimitives, X25519KeyAgreement } from './primitives.ts'

/**
 * age primitives on node:crypto (OpenSSL), also used by Bun. X25519 dominates
 * small records, and Node 20's WebCrypto X25519 costs several times more per op.
 */
// Keys move in and out as JWK: on Node 20 a DER import costs ~115 µs and a
// DER export ~90 µs, against ~10 µs and ~2 µs as JWK (measured in bench/).

const publicKeys = new Map<string, KeyObject>()

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

/**
 * Every key, ephemeral ones included, starts as a scalar imported as JWK, and
 * its public half comes from OpenSSL's fixed-base multiplication: 100 µs per
 * ephemeral key on Node 20 against 140 µs for generateKeyPairSync and a second
 * agreement with the base point.
 *
 * Nothing here calls generateKeyPairSync. On Node 20, exporting a key it made
 * can deadlock the thread for good: the export's allocation runs a GC that
 * frees the finished key generation job, whose destructor waits for the lock
 * the export holds (seen in a put loop as a process asleep on a futex in
 * ExportJWKEdKey ← GC ← ~KeyGenJob; test/crypto/age-x25519-gc.node.test.ts).
 */
function fromScalar (scalar: Uint8Array): X25519KeyAgreement {
  // Node requires `x` to be a string and derives the public key from `d`; an
  // empty public key back would mean a runtime that took `x` as given.
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: Buffer.from(scalar).toString('base64url'), x: '' }, format: 'jwk' })
  const publicKey = rawPublicKey(createPublicKey(privateKey))
  if (publicKey.length !== 32) throw new Error('this runtime did not derive an X25519 public key from its private key')
  return keyAgreement(privateKey, publicKey)
}

export const agePrimitives: AgePrimitives = {
  name: 'node:crypto',
  async generateEphemeral () {
    return fromScalar(randomBytes(32))
  },
  async importScalar (scalar) {
    return fromScalar(scalar)
  },
  hkdfSha256 (ikm, salt, info, length) {
    return new Uint8Array(hkdfSync('sha256', ikm, salt, info, length))
  },
  seal: sealFileKey,
  open: openFileKey
}
