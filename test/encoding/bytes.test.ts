import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { concatBytes, equalBytes, toHex, utf8Decode, utf8Encode } from '../../src/encoding/bytes.ts'

describe('concatBytes', () => {
  it('joins parts in order', () => {
    expect(concatBytes()).toEqual(new Uint8Array(0))
    expect(concatBytes(Uint8Array.of(1, 2), new Uint8Array(0), Uint8Array.of(3))).toEqual(Uint8Array.of(1, 2, 3))
  })

  it('copies views at their offset, not their whole buffer', () => {
    const buffer = Uint8Array.of(9, 1, 2, 9)
    expect(concatBytes(buffer.subarray(1, 3), buffer.subarray(0, 1))).toEqual(Uint8Array.of(1, 2, 9))
  })

  it('equals the flattened parts', () => {
    fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 8 }), (parts) => {
      expect([...concatBytes(...parts)]).toEqual(parts.flatMap((part) => [...part]))
    }), { numRuns: 1000 })
  })
})

describe('equalBytes', () => {
  it.each([
    [[], [], true],
    [[1, 2, 3], [1, 2, 3], true],
    [[1, 2, 3], [1, 2, 4], false],
    [[1, 2, 3], [1, 2], false],
    [[0], [], false]
  ])('%j vs %j is %s', (a, b, expected) => {
    expect(equalBytes(Uint8Array.from(a), Uint8Array.from(b))).toBe(expected)
  })

  it('agrees with element-wise comparison', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (a, b) => {
      const expected = a.length === b.length && a.every((byte, i) => byte === b[i])
      expect(equalBytes(a, b)).toBe(expected)
      expect(equalBytes(a, Uint8Array.from(a))).toBe(true)
    }), { numRuns: 1000 })
  })
})

describe('utf8', () => {
  it('encodes known strings', () => {
    expect(utf8Encode('aé€😀')).toEqual(Uint8Array.of(0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80))
  })

  it('keeps a leading byte order mark as data', () => {
    expect(utf8Decode(Uint8Array.of(0xef, 0xbb, 0xbf, 0x61))).toBe('\ufeffa')
  })

  it.each([
    ['a stray continuation byte', [0x80]],
    ['an invalid byte', [0xff]],
    ['a truncated sequence', [0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]]
  ])('rejects %s', (_, bytes) => {
    expect(() => utf8Decode(Uint8Array.from(bytes))).toThrow(TypeError)
  })

  it('round-trips every well-formed string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) =>
      utf8Decode(utf8Encode(text)) === text &&
      utf8Decode(utf8Encode('\ufeff' + text)) === '\ufeff' + text
    ), { numRuns: 1000 })
  })
})

describe('toHex', () => {
  it('writes lower-case pairs', () => {
    expect(toHex(Uint8Array.of(0, 15, 16, 171, 255))).toBe('000f10abff')
    expect(toHex(new Uint8Array(0))).toBe('')
  })

  it('agrees with Number#toString(16)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(toHex(bytes)).toBe([...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(''))
    }), { numRuns: 1000 })
  })
})
