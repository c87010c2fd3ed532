/**
 * ChaCha20-Poly1305 (RFC 8439) with a 16-byte tag, no associated data: the
 * cipher of age's STREAM payload. Each runtime supplies its fastest one through
 * the `#age-aead` import condition (aead.node.ts: node:crypto; aead.web.ts:
 * @noble/ciphers, for browsers, Deno and Bun, whose node:crypto lacks it).
 * Output goes into a caller's buffer so a whole file is written in one piece.
 */
export const TAG_BYTES = 16

export interface AgeAead {
  readonly name: string
  /** Writes ciphertext ‖ tag, `plaintext.length + 16` bytes, to `output` (exactly that long). */
  seal (key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, output: Uint8Array): void
  /**
   * Writes the `sealed.length - 16` plaintext bytes to `output` (exactly that long)
   * and returns true; false, with nothing written, when the tag does not verify.
   */
  open (key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, output: Uint8Array): boolean
}
