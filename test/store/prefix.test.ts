import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { prefixUpperBound, prefixUpperBoundUtf8 } from '../../src/store/prefix.ts'

const utf8 = new TextEncoder()

function compareBytes (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0)
    if (diff !== 0) return diff
  }
  return a.length - b.length
}

// Small alphabet around the awkward boundaries, so prefixes and keys often collide.
const char = fc.constantFrom('a', 'b', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1F600}', '\u{10FFFF}')
const text = fc.array(char, { maxLength: 4 }).map(chars => chars.join(''))

describe('prefix upper bounds', () => {
  it('increment the last character', () => {
    expect(prefixUpperBound('a/')).toBe('a0')
    expect(prefixUpperBound('a\uffff')).toBe('b')
    expect(prefixUpperBound('')).toBeUndefined()
    expect(prefixUpperBound('\uffff\uffff')).toBeUndefined()
    expect(prefixUpperBoundUtf8('a/')).toBe('a0')
    expect(prefixUpperBoundUtf8('a\uffff')).toBe('a\u{10000}')
    expect(prefixUpperBoundUtf8('a\ud7ff')).toBe('a\ue000')
    expect(prefixUpperBoundUtf8('a\u{10FFFF}')).toBe('b')
    expect(prefixUpperBoundUtf8('\u{10FFFF}')).toBeUndefined()
  })

  it('in UTF-16 order: key starts with prefix ⇔ prefix <= key < bound', () => {
    fc.assert(fc.property(text, text, (prefix, key) => {
      const bound = prefixUpperBound(prefix)
      const inRange = prefix <= key && (bound === undefined || key < bound)
      expect(inRange).toBe(key.startsWith(prefix))
    }), { numRuns: 500 })
  })

  it('in UTF-8 byte order: key starts with prefix ⇔ prefix <= key < bound', () => {
    fc.assert(fc.property(text, text, (prefix, key) => {
      const bound = prefixUpperBoundUtf8(prefix)
      const k = utf8.encode(key)
      const inRange = compareBytes(utf8.encode(prefix), k) <= 0 && (bound === undefined || compareBytes(k, utf8.encode(bound)) < 0)
      expect(inRange).toBe(key.startsWith(prefix))
    }), { numRuns: 500 })
  })
})
