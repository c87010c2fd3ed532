import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import type { AgeAead } from './aead.ts'

/** Pure JS (@noble/ciphers): browsers, Deno, and Bun, whose node:crypto has no chacha20-poly1305. */
export const ageAead: AgeAead = {
  name: '@noble/ciphers',
  seal (key, nonce, plaintext, output) {
    chacha20poly1305(key, nonce).encrypt(plaintext, output)
  },
  open (key, nonce, sealed, output) {
    try {
      // noble checks the tag before it writes any plaintext.
      chacha20poly1305(key, nonce).decrypt(sealed, output)
      return true
    } catch {
      return false
    }
  }
}
