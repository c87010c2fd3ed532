/**
 * Ed25519 as the runtime does it best, chosen by the `#ed25519` import
 * condition: node:crypto on Node (synchronous: no thread hop per signature),
 * WebCrypto elsewhere (every runtime we support has it natively).
 */
export interface Ed25519Signer {
  readonly publicKey: Uint8Array
  sign (data: Uint8Array): Promise<Uint8Array>
}

export interface Ed25519Primitives {
  readonly name: string
  /** A signer for a 32-byte seed, given as PKCS #8 DER (the seed after a fixed prefix). */
  importSigner (pkcs8: Uint8Array): Promise<Ed25519Signer>
  /** False for a bad signature or a malformed key; never throws. */
  verify (publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean>
}
