import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto'
import { TAG_BYTES } from './aead.ts'
import type { AgeAead } from './aead.ts'
import { ageAead as nobleAead } from './aead.web.ts'

/**
 * node:crypto (OpenSSL) ChaCha20-Poly1305: about ten times the pure-JS speed on
 * Node. Bun is sent to aead.web.ts by its own condition (BoringSSL has no
 * chacha20-poly1305 cipher); should another runtime with a node:crypto that
 * lacks it ever load this file, it falls back to @noble/ciphers rather than failing.
 */
const CIPHER = 'chacha20-poly1305'

const nativeAead: AgeAead = {
  name: 'node:crypto',
  seal (key, nonce, plaintext, output) {
    const cipher = createCipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES })
    const body = cipher.update(plaintext)
    output.set(body)
    const tail = cipher.final()
    if (tail.length > 0) output.set(tail, body.length)
    output.set(cipher.getAuthTag(), plaintext.length)
  },
  open (key, nonce, sealed, output) {
    const split = sealed.length - TAG_BYTES
    if (split < 0) return false
    const decipher = createDecipheriv(CIPHER, key, nonce, { authTagLength: TAG_BYTES })
    decipher.setAuthTag(sealed.subarray(split))
    const body = decipher.update(sealed.subarray(0, split))
    try {
      decipher.final()
    } catch {
      // OpenSSL decrypts before it checks the tag: drop what it produced.
      body.fill(0)
      return false
    }
    output.set(body)
    return true
  }
}

export const ageAead: AgeAead = getCiphers().includes(CIPHER) ? nativeAead : nobleAead
