import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, randomBytes } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/**
 * A lower bound for age-shaped encryption on node:crypto, not an age
 * implementation: per recipient one fresh X25519 key pair and agreement that
 * wraps the file key, then ChaCha20-Poly1305 over 64 KiB chunks as age's STREAM
 * does. No header, HKDF, HMAC or text encoding, so real age can only be slower.
 */
const CHUNK_BYTES = 64 * 1024
const TAG_BYTES = 16
const FILE_KEY_BYTES = 32
const ZERO_NONCE = Buffer.alloc(12)
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')

export interface NativeStanza {
  /** The ephemeral public key, raw, as a reader receives it. */
  readonly share: string
  readonly wrapped: Buffer
}

export interface NativeSealed {
  readonly stanzas: NativeStanza[]
  readonly chunks: Buffer[]
}

/** Raw 32-byte X25519 public key → KeyObject; JWK is the cheapest import Node offers. */
export function x25519PublicKey (raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' })
}

/** An age identity's raw scalar → KeyObject (once per reader, so the import cost is not measured). */
export function x25519PrivateKey (scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, scalar]), format: 'der', type: 'pkcs8' })
}

export function nativeEncrypt (recipients: readonly KeyObject[], plaintext: Uint8Array): NativeSealed {
  const fileKey = randomBytes(FILE_KEY_BYTES)
  const stanzas = recipients.map(recipient => {
    const ephemeral = generateKeyPairSync('x25519')
    const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient })
    return { share: ephemeral.publicKey.export({ format: 'jwk' }).x as string, wrapped: seal(secret, ZERO_NONCE, fileKey) }
  })
  const chunks: Buffer[] = []
  forEachChunk(plaintext.length, (start, end, nonce) => chunks.push(seal(fileKey, nonce, plaintext.subarray(start, end))))
  return { stanzas, chunks }
}

/** age's STREAM alone: ChaCha20-Poly1305 over 64 KiB chunks with its nonces; no payload nonce, HKDF or header. */
export function nativeStreamSeal (key: Buffer, plaintext: Uint8Array): Buffer[] {
  const chunks: Buffer[] = []
  forEachChunk(plaintext.length, (start, end, nonce) => chunks.push(seal(key, nonce, plaintext.subarray(start, end))))
  return chunks
}

export function nativeStreamOpen (key: Buffer, chunks: readonly Buffer[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length - TAG_BYTES, 0))
  let offset = 0
  chunks.forEach((chunk, index) => {
    const plain = tryOpen(key, chunkNonce(index, index === chunks.length - 1), chunk)
    if (plain === null) throw new Error(`chunk ${index} does not authenticate`)
    out.set(plain, offset)
    offset += plain.length
  })
  return out
}

/** Tries every stanza in order, as age does, so a reader whose stanza is last pays for all. */
export function nativeDecrypt (identity: KeyObject, sealed: NativeSealed): Uint8Array {
  let fileKey: Buffer | null = null
  for (const stanza of sealed.stanzas) {
    const share = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: stanza.share }, format: 'jwk' })
    fileKey = tryOpen(diffieHellman({ privateKey: identity, publicKey: share }), ZERO_NONCE, stanza.wrapped)
    if (fileKey !== null) break
  }
  if (fileKey === null) throw new Error('no stanza opens with this identity')
  const out = new Uint8Array(sealed.chunks.reduce((sum, chunk) => sum + chunk.length - TAG_BYTES, 0))
  let offset = 0
  sealed.chunks.forEach((chunk, index) => {
    const plain = tryOpen(fileKey, chunkNonce(index, index === sealed.chunks.length - 1), chunk)
    if (plain === null) throw new Error(`chunk ${index} does not authenticate`)
    out.set(plain, offset)
    offset += plain.length
  })
  return out
}

function forEachChunk (length: number, visit: (start: number, end: number, nonce: Buffer) => void): void {
  const count = Math.max(1, Math.ceil(length / CHUNK_BYTES))
  for (let index = 0; index < count; index++) {
    visit(index * CHUNK_BYTES, Math.min(length, (index + 1) * CHUNK_BYTES), chunkNonce(index, index === count - 1))
  }
}

/** age's STREAM nonce: an 11-byte big-endian counter, then a last-chunk flag. */
function chunkNonce (index: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeUIntBE(index, 5, 6)
  nonce[11] = last ? 1 : 0
  return nonce
}

function seal (key: Buffer, nonce: Buffer, data: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
  return Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()])
}

function tryOpen (key: Buffer, nonce: Buffer, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG_BYTES) return null
  const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_BYTES })
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES))
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()])
  } catch {
    return null
  }
}
