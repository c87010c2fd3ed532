import { base64 } from '@scure/base'
import { ed25519 } from '#ed25519'
import { InvalidKeyError } from '../errors.ts'

/**
 * Ed25519 keys from seeds, signed and verified through the runtime's native
 * implementation (`#ed25519`: node:crypto on Node, WebCrypto elsewhere): no JS
 * curve code on the hot path.
 */
export interface SigningKey {
  readonly publicKey: Uint8Array
  sign (data: Uint8Array): Promise<Uint8Array>
}

export const PUBLIC_KEY_BYTES = 32
export const SIGNATURE_BYTES = 64

// WebCrypto imports Ed25519 private keys only as PKCS #8 or JWK; a seed is 32
// bytes, so the PKCS #8 form is always this prefix followed by the seed.
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20])
const PEM_LABEL = 'PRIVATE KEY'

export async function generateSigningKey (): Promise<{ key: SigningKey, seed: Uint8Array }> {
  const seed = crypto.getRandomValues(new Uint8Array(32))
  return { key: await signingKeyFromSeed(seed), seed }
}

export async function signingKeyFromSeed (seed: Uint8Array): Promise<SigningKey> {
  if (seed.length !== 32) throw new InvalidKeyError(`an Ed25519 seed is 32 bytes, got ${seed.length}`)
  const pkcs8 = new Uint8Array(PKCS8_PREFIX.length + 32)
  pkcs8.set(PKCS8_PREFIX)
  pkcs8.set(seed, PKCS8_PREFIX.length)
  return await ed25519.importSigner(pkcs8)
}

/** PKCS #8 PEM, the form `openssl pkey` reads. */
export function seedToPem (seed: Uint8Array): string {
  const der = new Uint8Array(PKCS8_PREFIX.length + seed.length)
  der.set(PKCS8_PREFIX)
  der.set(seed, PKCS8_PREFIX.length)
  const body = base64.encode(der).replace(/(.{64})/g, '$1\n').trimEnd()
  return `-----BEGIN ${PEM_LABEL}-----\n${body}\n-----END ${PEM_LABEL}-----\n`
}

export function seedFromPem (pem: string): Uint8Array {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem)
  if (match === null) throw new InvalidKeyError('not a PEM "PRIVATE KEY" block')
  let der: Uint8Array
  try {
    der = base64.decode((match[1] ?? '').replace(/\s+/g, ''))
  } catch (cause) {
    throw new InvalidKeyError('PEM body is not valid base64', { cause })
  }
  if (der.length !== PKCS8_PREFIX.length + 32 || !PKCS8_PREFIX.every((byte, i) => der[i] === byte)) {
    throw new InvalidKeyError('PEM key is not an Ed25519 private key')
  }
  return der.slice(PKCS8_PREFIX.length)
}

/** False for a bad signature or a malformed key; never throws on hostile input. */
export async function verifySignature (publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  if (publicKey.length !== PUBLIC_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false
  return await ed25519.verify(publicKey, signature, data)
}
