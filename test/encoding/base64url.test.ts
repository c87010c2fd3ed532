import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SlurpError } from '../../src/errors.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { utf8Encode } from '../../src/encoding/bytes.ts'

describe('base64url', () => {
  // RFC 4648 §10 test vectors, padding stripped.
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy']
  ])('encodes %j as %j', (text, encoded) => {
    expect(toBase64url(utf8Encode(text))).toBe(encoded)
    expect(fromBase64url(encoded)).toEqual(utf8Encode(text))
  })

  it('uses the URL-safe alphabet', () => {
    expect(toBase64url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_')
    expect(fromBase64url('-_-_')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf))
  })

  it.each([
    ['padding', 'Zg=='],
    ['standard alphabet +', 'Zm9v+A'],
    ['standard alphabet /', 'Zm9v/A'],
    ['impossible length', 'Z'],
    ['non-zero trailing bits', 'Zh'],
    ['whitespace', ' Zg'],
    ['non-ASCII', 'Zgé']
  ])('rejects %s with a plain Error', (_, text) => {
    let thrown: unknown
    try { fromBase64url(text) } catch (err) { thrown = err }
    expect(thrown).toBeInstanceOf(Error)
    expect(thrown).not.toBeInstanceOf(SlurpError)
    expect((thrown as Error).message).toMatch(/invalid base64url/)
  })

  it('rejects a non-string', () => {
    expect(() => fromBase64url(42 as unknown as string)).toThrow(TypeError)
  })

  it('round-trips any bytes, unpadded and URL-safe', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const text = toBase64url(bytes)
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
      expect(text.length).toBe(Math.ceil(bytes.length * 4 / 3))
      const back = fromBase64url(text)
      expect(back).toEqual(bytes)
      expect(back.buffer).toBeInstanceOf(ArrayBuffer)
    }), { numRuns: 1000 })
  })

  it('accepts exactly one spelling of each byte string', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 20 }), (text) => {
      let bytes: Uint8Array
      try { bytes = fromBase64url(text) } catch { return }
      expect(toBase64url(bytes)).toBe(text)
    }), { numRuns: 1000 })
  })
})
