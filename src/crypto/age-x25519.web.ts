import { x25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { openFileKey, sealFileKey } from './file-key-wrap.ts'
import type { AgePrimitives, X25519KeyAgreement } from './primitives.ts'

/**
 * age primitives from WebCrypto X25519 (native in browsers and Deno), falling
 * back to @noble/curves where a runtime lacks it or only half-implements it.
 */
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20])
const BASE_POINT = x25519.GuBytes

let webCryptoWorks: Promise<boolean> | undefined

/** Probed once with a real derivation: some runtimes import X25519 keys but cannot derive. */
function hasWebCryptoX25519 (): Promise<boolean> {
  webCryptoWorks ??= (async () => {
    try {
      const pair = await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']) as CryptoKeyPair
      await crypto.subtle.deriveBits({ name: 'X25519', public: pair.publicKey }, pair.privateKey, 256)
      return true
    } catch {
      return false
    }
  })()
  return webCryptoWorks
}

function webCryptoAgreement (privateKey: CryptoKey, publicKey: Uint8Array): X25519KeyAgreement {
  return {
    publicKey,
    async agree (peer) {
      const peerKey = await crypto.subtle.importKey('raw', peer as Uint8Array<ArrayBuffer>, { name: 'X25519' }, false, [])
      return new Uint8Array(await crypto.subtle.deriveBits({ name: 'X25519', public: peerKey }, privateKey, 256))
    }
  }
}

function nobleAgreement (scalar: Uint8Array): X25519KeyAgreement {
  return {
    publicKey: x25519.getPublicKey(scalar),
    agree: async (peer) => x25519.getSharedSecret(scalar, peer)
  }
}

export const agePrimitives: AgePrimitives = {
  name: 'webcrypto',
  async generateEphemeral () {
    if (!await hasWebCryptoX25519()) return nobleAgreement(x25519.utils.randomSecretKey())
    const pair = await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']) as CryptoKeyPair
    return webCryptoAgreement(pair.privateKey, new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)))
  },
  async importScalar (scalar) {
    if (!await hasWebCryptoX25519()) return nobleAgreement(scalar)
    const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32)
    pkcs8.set(PKCS8_PREFIX)
    pkcs8.set(scalar, PKCS8_PREFIX.length)
    const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'X25519' }, false, ['deriveBits'])
    const agreement = webCryptoAgreement(privateKey, new Uint8Array(32))
    return { ...agreement, publicKey: await agreement.agree(BASE_POINT) }
  },
  hkdfSha256: (ikm, salt, info, length) => hkdf(sha256, ikm, salt, info, length),
  seal: sealFileKey,
  open: openFileKey
}
