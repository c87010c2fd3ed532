import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidAddressError } from '../../src/errors.ts'
import { dhtKey, formatAddress, MAX_ADDRESS_LENGTH, normaliseAddress, parentAddress, parseAddress, type UcxlAddress } from '../../src/address/index.ts'
import { addressParts, addressString, mutatedAddress, segment, validAddress } from './arbitraries.ts'

const runs = { numRuns: 1000 }

/** Parses, failing the property on any error that is not an InvalidAddressError. */
function tryParse (input: string): UcxlAddress | undefined {
  try {
    return parseAddress(input)
  } catch (err) {
    if (err instanceof InvalidAddressError) return undefined
    throw err
  }
}

function expectCanonical (address: UcxlAddress): void {
  const { canonical, segments } = address
  expect(parseAddress(canonical).canonical).toBe(canonical)
  expect(parseAddress(canonical)).toEqual(address)
  expect(canonical.length).toBeLessThanOrEqual(MAX_ADDRESS_LENGTH)
  expect(canonical).toMatch(/^ucxl:\/\/[\x21-\x7e]+$/)
  expect(canonical.startsWith('ucxl://')).toBe(true)
  expect(address.path).toBe('/' + segments.join('/'))
  expect(canonical.endsWith(address.path)).toBe(true)
  for (const part of segments) {
    expect(part).not.toBe('')
    expect(part).not.toBe('.')
    expect(part).not.toBe('..')
    expect(part).not.toMatch(/[/?#\\\s]|%(?![0-9A-F]{2})|%(?:[01][0-9A-F]|7F)/)
    expect(decodeURIComponent(part)).not.toMatch(/^\.\.?$/)
  }
}

describe('address properties', () => {
  it('valid addresses parse, and format∘parse and normalise are idempotent', () => {
    fc.assert(fc.property(validAddress, (input) => {
      const address = parseAddress(input)
      expect(formatAddress(address)).toBe(address.canonical)
      expect(parseAddress(formatAddress(address)).canonical).toBe(address.canonical)
      expect(normaliseAddress(normaliseAddress(input))).toBe(normaliseAddress(input))
      expectCanonical(address)
    }), runs)
  })

  it('parse keeps the parts it was given', () => {
    fc.assert(fc.property(addressParts, (parts) => {
      const address = parseAddress(addressString(parts))
      expect(address.agent).toBe(parts.agent?.toLowerCase())
      expect(address.role).toBe(parts.role?.toLowerCase())
      expect(address.project).toBe(parts.project.toLowerCase())
      expect(address.task).toBe(parts.task?.toLowerCase())
      expect(address.segments).toHaveLength(parts.segments.length)
      expect(formatAddress({ ...parts, segments: parts.segments })).toBe(address.canonical)
    }), runs)
  })

  it('a segment made of unreserved and non-ASCII characters is encodeURIComponent of its NFC', () => {
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(...'azAZ09-._~'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1 })
      .filter((s) => !/[^A-Za-z0-9\-._~\x80-\u{10ffff}]|[\s\u0085]/u.test(s.normalize('NFC')) && s !== '.' && s !== '..')
    fc.assert(fc.property(text, (s) => {
      expect(parseAddress('ucxl://p/' + s).segments).toEqual([encodeURIComponent(s.normalize('NFC'))])
      expect(parseAddress('ucxl://p/' + s.normalize('NFD')).segments).toEqual([encodeURIComponent(s.normalize('NFC'))])
    }), runs)
  })

  it('equivalent spellings give the same canonical form', () => {
    fc.assert(fc.property(validAddress, fc.gen(), (input, g) => {
      const { canonical } = parseAddress(input)
      expect(parseAddress(respell(canonical, (weight) => g(fc.integer, { min: 0, max: 99 }) < weight)).canonical).toBe(canonical)
    }), runs)
  })

  it('arbitrary strings either parse to a canonical address or throw InvalidAddressError', () => {
    const input = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.string({ unit: 'binary-ascii' }),
      fc.string({ unit: 'grapheme' }).map((s) => 'ucxl://' + s),
      fc.string({ unit: 'binary' }).map((s) => 'ucxl://p/' + s),
      fc.string({ unit: fc.constantFrom(...'ucxl:/@.%2eE0aF?#\\ \u0000\u0301\ud800') }).map((s) => 'ucxl://' + s),
      fc.string({ unit: fc.constantFrom(...'ucxl:/@.%2eE0aF?#\\ \u0000\u0301\ud800') })
    )
    fc.assert(fc.property(input, (text) => {
      const address = tryParse(text)
      if (address !== undefined) expectCanonical(address)
    }), runs)
  })

  it('mutated addresses either parse to a canonical address or throw InvalidAddressError', () => {
    fc.assert(fc.property(mutatedAddress, (text) => {
      const address = tryParse(text)
      if (address !== undefined) expectCanonical(address)
    }), { numRuns: 3000 })
  })

  it('parentAddress reaches the root in segments.length steps', () => {
    fc.assert(fc.property(validAddress, (input) => {
      const address = parseAddress(input)
      let current: string | undefined = address.canonical
      for (let step = 0; step < address.segments.length; step++) {
        const parent = parentAddress(current ?? '')
        expect(parent).toBeDefined()
        expect(parseAddress(parent ?? '').segments).toEqual(address.segments.slice(0, address.segments.length - step - 1))
        current = parent
      }
      expect(parseAddress(current ?? '').path).toBe('/')
      expect(parentAddress(current ?? '')).toBeUndefined()
    }), runs)
  })

  it('equivalent spellings share a DHT key; different paths do not', async () => {
    await fc.assert(fc.asyncProperty(validAddress, segment, fc.gen(), async (input, extra, g) => {
      const { canonical } = parseAddress(input)
      const key = await dhtKey(canonical)
      expect(await dhtKey(input)).toBe(key)
      expect(await dhtKey(respell(canonical, (weight) => g(fc.integer, { min: 0, max: 99 }) < weight))).toBe(key)
      const child = parseAddress(canonical.replace(/\/$/, '') + '/' + extra).canonical
      expect(await dhtKey(child)).not.toBe(key)
    }), runs)
  })
})

/**
 * Rewrites a canonical address into another spelling of the same address: scheme and
 * identifiers in mixed case, unreserved characters as escapes, escapes in lower-case hex,
 * non-ASCII characters raw or escaped, composed or decomposed. Never touches what must
 * stay distinct: escapes of reserved ASCII stay escapes.
 */
function respell (canonical: string, chance: (percent: number) => boolean): string {
  const flip = (s: string): string => [...s].map((ch) => chance(50) ? ch.toUpperCase() : ch).join('')
  const pathStart = canonical.indexOf('/', 'ucxl://'.length)
  let out = flip(canonical.slice(0, pathStart))
  const path = canonical.slice(pathStart)
  let i = 0
  while (i < path.length) {
    const ch = path[i] ?? ''
    if (ch !== '%') {
      out += /[A-Za-z0-9\-._~]/.test(ch) && chance(20) ? percent(ch, chance(50)) : ch
      i++
      continue
    }
    const first = parseInt(path.slice(i + 1, i + 3), 16)
    const width = first < 0x80 ? 1 : first < 0xe0 ? 2 : first < 0xf0 ? 3 : 4
    const escapes = path.slice(i, i + 3 * width)
    const char = decodeURIComponent(escapes)
    // Raw whitespace is rejected, so escaped whitespace keeps its escapes.
    if (first < 0x80 || /[\s\u0085]/.test(char) || chance(30)) {
      out += chance(50) ? escapes.toLowerCase() : escapes
    } else {
      // Decomposed or not, raw or escaped; an ASCII base character stays raw, because
      // its escape is an opaque byte that nothing composes with.
      const chars = chance(50) ? char : char.normalize('NFD')
      for (const c of chars) out += c < '\x80' || chance(50) ? c : percent(c, chance(50))
    }
    i += 3 * width
  }
  return out
}

function percent (text: string, upper: boolean): string {
  return [...new TextEncoder().encode(text)]
    .map((byte) => '%' + (upper ? byte.toString(16).toUpperCase() : byte.toString(16)).padStart(2, '0'))
    .join('')
}
