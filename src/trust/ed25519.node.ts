import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto'
import type { KeyObject } from 'node:crypto'
import type { Ed25519Primitives } from './ed25519.ts'

/**
 * node:crypto's one-shot sign and verify run on the calling thread: on Node 20
 * WebCrypto's Ed25519 costs a libuv thread-pool hop per call, most of a
 * signature's price on small records.
 */
const verifyKeys = new Map<string, KeyObject>()
const MAX_CACHED_VERIFY_KEYS = 4096

function verifyKeyFor (publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString('base64url')
  let key = verifyKeys.get(id)
  if (key === undefined) {
    if (verifyKeys.size >= MAX_CACHED_VERIFY_KEYS) verifyKeys.clear()
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id }, format: 'jwk' })
    verifyKeys.set(id, key)
  }
  return key
}

export const ed25519: Ed25519Primitives = {
  name: 'node:crypto',
  async importSigner (pkcs8) {
    const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' })
    const publicKey = new Uint8Array(Buffer.from(createPublicKey(privateKey).export({ format: 'jwk' }).x as string, 'base64url'))
    return { publicKey, sign: async data => new Uint8Array(sign(null, data, privateKey)) }
  },
  async verify (publicKey, signature, data) {
    try {
      return verify(null, data, verifyKeyFor(publicKey), signature)
    } catch {
      return false
    }
  }
}
