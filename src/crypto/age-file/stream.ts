import { ageAead } from '#age-aead'
import { hkdf } from '@noble/hashes/hkdf.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { TAG_BYTES } from './aead.ts'
import type { AgeAead } from './aead.ts'
import { AgeMalformedError } from './errors.ts'

/**
 * age's payload (age-encryption.org/v1, "Payload"): a random 16-byte nonce, then
 * the plaintext in 64 KiB chunks, each sealed with ChaCha20-Poly1305 under
 * HKDF-SHA-256(ikm = file key, salt = nonce, info = "payload") with the 12-byte
 * nonce 11-byte big-endian chunk counter ‖ last-chunk flag (1 on the last chunk).
 * The last chunk is short or full, and empty only when the whole plaintext is.
 * Files are in memory, so a chunk is the last one exactly when it ends the input:
 * truncation, reordering, dropped or extra chunks and trailing bytes all fail a tag
 * or the layout check, and decryption returns all of the plaintext or throws.
 */
export const PAYLOAD_NONCE_BYTES = 16
export const CHUNK_BYTES = 64 * 1024
const SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
const PAYLOAD_INFO = new TextEncoder().encode('payload')

export function payloadKey (fileKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  return hkdf(sha256, fileKey, nonce, PAYLOAD_INFO, 32)
}

function chunkCount (plaintextLength: number): number {
  return Math.max(1, Math.ceil(plaintextLength / CHUNK_BYTES))
}

/** Bytes the payload of a `plaintextLength`-byte plaintext takes, nonce included. */
export function payloadLength (plaintextLength: number): number {
  return PAYLOAD_NONCE_BYTES + plaintextLength + chunkCount(plaintextLength) * TAG_BYTES
}

/** STREAM's per-chunk nonce, rewritten in place: 11-byte big-endian counter, then the last-chunk flag. */
function setChunkNonce (nonce: Uint8Array, index: number, last: boolean): void {
  let counter = index
  for (let i = 10; i >= 0; i--) {
    nonce[i] = counter % 256
    counter = Math.floor(counter / 256)
  }
  nonce[11] = last ? 1 : 0
}

/** Writes the payload (payloadLength(plaintext.length) bytes) into `output`. */
export function sealPayload (fileKey: Uint8Array, plaintext: Uint8Array, output: Uint8Array, aead: AgeAead = ageAead): void {
  if (output.length !== payloadLength(plaintext.length)) throw new RangeError('sealPayload: output is not payloadLength(plaintext.length) bytes')
  const nonce = crypto.getRandomValues(new Uint8Array(PAYLOAD_NONCE_BYTES))
  output.set(nonce)
  const key = payloadKey(fileKey, nonce)
  const chunkNonce = new Uint8Array(12)
  const count = chunkCount(plaintext.length)
  let offset = PAYLOAD_NONCE_BYTES
  for (let index = 0; index < count; index++) {
    const chunk = plaintext.subarray(index * CHUNK_BYTES, (index + 1) * CHUNK_BYTES)
    setChunkNonce(chunkNonce, index, index === count - 1)
    aead.seal(key, chunkNonce, chunk, output.subarray(offset, offset + chunk.length + TAG_BYTES))
    offset += chunk.length + TAG_BYTES
  }
}

export function encryptPayload (fileKey: Uint8Array, plaintext: Uint8Array, aead: AgeAead = ageAead): Uint8Array {
  const output = new Uint8Array(payloadLength(plaintext.length))
  sealPayload(fileKey, plaintext, output, aead)
  return output
}

/**
 * Checks the chunk layout of a payload without decrypting it and returns its
 * plaintext length. A missing or short nonce is a header failure (as in C2SP's
 * CCTV vectors); anything after it, a payload failure.
 */
export function payloadPlaintextLength (payload: Uint8Array): number {
  if (payload.length < PAYLOAD_NONCE_BYTES) {
    throw new AgeMalformedError('header', `the payload nonce is ${payload.length} bytes, not ${PAYLOAD_NONCE_BYTES}: the file ends after its header`)
  }
  const sealed = payload.length - PAYLOAD_NONCE_BYTES
  if (sealed === 0) throw new AgeMalformedError('payload', 'the payload has no chunks (truncated)')
  const count = Math.ceil(sealed / SEALED_CHUNK_BYTES)
  const last = sealed - (count - 1) * SEALED_CHUNK_BYTES
  if (last < TAG_BYTES) throw new AgeMalformedError('payload', `the last chunk is ${last} bytes, shorter than its tag (truncated)`)
  if (last === TAG_BYTES && count > 1) throw new AgeMalformedError('payload', 'the last chunk is empty, which only an empty plaintext may have')
  return sealed - count * TAG_BYTES
}

/** The plaintext, or AgeMalformedError: never a part of it. */
export function decryptPayload (fileKey: Uint8Array, payload: Uint8Array, aead: AgeAead = ageAead): Uint8Array {
  const plaintext = new Uint8Array(payloadPlaintextLength(payload))
  const key = payloadKey(fileKey, payload.subarray(0, PAYLOAD_NONCE_BYTES))
  const chunkNonce = new Uint8Array(12)
  const count = Math.max(1, Math.ceil(plaintext.length / CHUNK_BYTES))
  let offset = PAYLOAD_NONCE_BYTES
  for (let index = 0; index < count; index++) {
    const length = Math.min(CHUNK_BYTES, plaintext.length - index * CHUNK_BYTES)
    setChunkNonce(chunkNonce, index, index === count - 1)
    const opened = aead.open(key, chunkNonce, payload.subarray(offset, offset + length + TAG_BYTES), plaintext.subarray(index * CHUNK_BYTES, index * CHUNK_BYTES + length))
    if (!opened) {
      plaintext.fill(0)
      throw new AgeMalformedError('payload', `payload chunk ${index} of ${count} does not authenticate (tampered, reordered or truncated)`)
    }
    offset += length + TAG_BYTES
  }
  return plaintext
}
