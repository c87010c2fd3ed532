import { chacha20poly1305 } from '@noble/ciphers/chacha.js'

/**
 * Wrapping the 16-byte file key: ChaCha20-Poly1305 under a one-time key, so the
 * all-zero nonce is safe. Shared by every runtime: for 16 bytes, JS is as fast
 * as native, and Bun's node:crypto (BoringSSL) has no chacha20-poly1305 at all.
 */
const ZERO_NONCE = new Uint8Array(12)

export function sealFileKey (key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  return chacha20poly1305(key, ZERO_NONCE).encrypt(fileKey)
}

export function openFileKey (key: Uint8Array, wrapped: Uint8Array): Uint8Array | null {
  try {
    return chacha20poly1305(key, ZERO_NONCE).decrypt(wrapped)
  } catch {
    return null
  }
}
