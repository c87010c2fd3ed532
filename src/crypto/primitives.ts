/**
 * The few primitives age's X25519 recipient type needs. Each runtime supplies
 * the fastest native implementation it has (see age-x25519.*.ts); the stanza
 * format itself is written once, in x25519-stanza.ts.
 */
export interface X25519KeyAgreement {
  /** The 32-byte public key (for an ephemeral key: age's "share"). */
  readonly publicKey: Uint8Array
  /** Raw X25519 shared secret with a peer's public key. */
  agree (peerPublicKey: Uint8Array): Promise<Uint8Array>
}

export interface AgePrimitives {
  readonly name: string
  generateEphemeral (): Promise<X25519KeyAgreement>
  importScalar (scalar: Uint8Array): Promise<X25519KeyAgreement>
  hkdfSha256 (ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array
  /** Wraps the file key under a one-time key (see file-key-wrap.ts). */
  seal (key: Uint8Array, plaintext: Uint8Array): Uint8Array
  /** null when the tag does not verify. */
  open (key: Uint8Array, ciphertext: Uint8Array): Uint8Array | null
}
