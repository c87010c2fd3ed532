import { base64 } from '@scure/base'
import { fromBase64url } from '../encoding/base64url.ts'
import type { Ed25519Primitives } from './ed25519.ts'

const verifyKeys = new Map<string, Promise<CryptoKey>>()
const MAX_CACHED_VERIFY_KEYS = 4096

/** Imported keys are cached: relays verify many records by the same few authors. */
function verifyKeyFor (publicKey: Uint8Array): Promise<CryptoKey> {
  const id = base64.encode(publicKey)
  let key = verifyKeys.get(id)
  if (key === undefined) {
    if (verifyKeys.size >= MAX_CACHED_VERIFY_KEYS) verifyKeys.clear()
    key = crypto.subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['verify'])
    key.catch(() => verifyKeys.delete(id))
    verifyKeys.set(id, key)
  }
  return key
}

export const ed25519: Ed25519Primitives = {
  name: 'WebCrypto',
  async importSigner (pkcs8) {
    // Extractable only long enough to read the public half out of the JWK.
    const extractable = await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, true, ['sign'])
    const jwk = await crypto.subtle.exportKey('jwk', extractable)
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, ['sign'])
    return {
      publicKey: fromBase64url(jwk.x ?? ''),
      sign: async data => new Uint8Array(await crypto.subtle.sign('Ed25519', privateKey, data as Uint8Array<ArrayBuffer>))
    }
  },
  async verify (publicKey, signature, data) {
    try {
      return await crypto.subtle.verify('Ed25519', await verifyKeyFor(publicKey), signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>)
    } catch {
      return false
    }
  }
}
