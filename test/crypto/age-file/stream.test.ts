import { ageAead } from '#age-aead'
import { describe, expect, it } from 'vitest'
import { ageAead as nobleAead } from '../../../src/crypto/age-file/aead.web.ts'
import { AgeMalformedError, CHUNK_BYTES, decryptPayload, encryptPayload, payloadLength } from '../../../src/crypto/age-file/index.ts'
import { payloadKey } from '../../../src/crypto/age-file/stream.ts'
import { SAME, randomBytes, sameBytes } from './keys.ts'

const fileKey = crypto.getRandomValues(new Uint8Array(16))
const SEALED = CHUNK_BYTES + 16

function expectPayloadFailure (payload: Uint8Array, reason: 'payload' | 'header' = 'payload'): void {
  let error: unknown
  try {
    decryptPayload(fileKey, payload)
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(AgeMalformedError)
  expect((error as AgeMalformedError).reason).toBe(reason)
}

describe('age STREAM payload', () => {
  it(`runs on ${ageAead.name} here, and matches @noble/ciphers byte for byte`, () => {
    expect(ageAead.name).toMatch(/node:crypto|@noble\/ciphers/)
    const key = randomBytes(32)
    const nonce = randomBytes(12)
    const plaintext = randomBytes(1000)
    const a = new Uint8Array(1016)
    const b = new Uint8Array(1016)
    ageAead.seal(key, nonce, plaintext, a)
    nobleAead.seal(key, nonce, plaintext, b)
    expect(a).toEqual(b)
    const back = new Uint8Array(1000)
    expect(nobleAead.open(key, nonce, a, back)).toBe(true)
    expect(sameBytes(back, plaintext)).toEqual(SAME)
  })

  for (const size of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES, 3 * CHUNK_BYTES + 5]) {
    it(`round-trips ${size} bytes on both adapters`, () => {
      const plaintext = randomBytes(size)
      const payload = encryptPayload(fileKey, plaintext)
      expect(payload.length).toBe(payloadLength(size))
      expect(payload.length).toBe(16 + size + 16 * Math.max(1, Math.ceil(size / CHUNK_BYTES)))
      expect(sameBytes(decryptPayload(fileKey, payload), plaintext)).toEqual(SAME)
      expect(sameBytes(decryptPayload(fileKey, payload, nobleAead), plaintext)).toEqual(SAME)
      expect(sameBytes(decryptPayload(fileKey, encryptPayload(fileKey, plaintext, nobleAead)), plaintext)).toEqual(SAME)
    })
  }

  it('refuses truncation, reordering, dropped and extra chunks, trailing bytes', () => {
    const plaintext = randomBytes(3 * CHUNK_BYTES + 100)
    const payload = encryptPayload(fileKey, plaintext)
    const chunk = (i: number): Uint8Array => payload.subarray(16 + i * SEALED, 16 + (i + 1) * SEALED)
    const join = (...parts: Uint8Array[]): Uint8Array => {
      const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
      let offset = 0
      for (const part of parts) { out.set(part, offset); offset += part.length }
      return out
    }
    const nonce = payload.subarray(0, 16)
    const last = payload.subarray(16 + 3 * SEALED)
    expectPayloadFailure(join(nonce, chunk(1), chunk(0), chunk(2), last))
    expectPayloadFailure(join(nonce, chunk(0), chunk(1), chunk(2)))
    expectPayloadFailure(join(nonce, chunk(0), chunk(2), last))
    expectPayloadFailure(join(nonce, chunk(0), chunk(1), chunk(2), chunk(2), last))
    expectPayloadFailure(payload.subarray(0, payload.length - 1))
    expectPayloadFailure(payload.subarray(0, 16 + SEALED + 10))
    expectPayloadFailure(join(payload, new Uint8Array(1)))
    expectPayloadFailure(join(payload, new Uint8Array(16)))
    expectPayloadFailure(payload.subarray(0, 16))
    expectPayloadFailure(payload.subarray(0, 15), 'header')
    expectPayloadFailure(join(randomBytes(16), payload.subarray(16)))
  })

  it('an empty last chunk is refused unless the whole plaintext is empty, even with a valid tag', () => {
    const plaintext = randomBytes(CHUNK_BYTES)
    const payload = encryptPayload(fileKey, plaintext)
    // Re-seal the full chunk as not-last and append an authentic, empty last chunk.
    const key = payloadKey(fileKey, payload.subarray(0, 16))
    const forged = new Uint8Array(16 + SEALED + 16)
    forged.set(payload.subarray(0, 16))
    const nonce = new Uint8Array(12)
    ageAead.seal(key, nonce, plaintext, forged.subarray(16, 16 + SEALED))
    nonce[10] = 1
    nonce[11] = 1
    ageAead.seal(key, nonce, new Uint8Array(0), forged.subarray(16 + SEALED))
    expectPayloadFailure(forged)
    expect(decryptPayload(fileKey, encryptPayload(fileKey, new Uint8Array(0)))).toEqual(new Uint8Array(0))
  })

  it('a wrong file key is a payload failure', () => {
    const payload = encryptPayload(fileKey, randomBytes(10))
    expect(() => decryptPayload(randomBytes(16), payload)).toThrow(AgeMalformedError)
  })
})
