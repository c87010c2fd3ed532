import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AgeMalformedError, encodeHeader, encodeHeaderWithoutMac, headerMac, parseHeader } from '../../../src/crypto/age-file/index.ts'
import type { Stanza } from '../../../src/crypto/age-file/index.ts'

const text = (value: string): Uint8Array => new TextEncoder().encode(value)
const FILE_KEY = new Uint8Array(16).fill(7)
const VALID_MAC = 'WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNg'

function expectMalformed (header: string, reason: RegExp): void {
  let error: unknown
  try {
    parseHeader(text(header))
  } catch (caught) {
    error = caught
  }
  expect(error).toBeInstanceOf(AgeMalformedError)
  expect((error as AgeMalformedError).reason).toBe('header')
  expect((error as Error).message).toMatch(reason)
}

describe('age header codec', () => {
  it('encodes bodies at 64 columns, with a short (possibly empty) last line, and parses them back', () => {
    for (const size of [0, 1, 31, 32, 47, 48, 49, 95, 96, 97, 200]) {
      const body = Uint8Array.from({ length: size }, (_, i) => i * 7)
      const stanzas: Stanza[] = [{ args: ['test', 'a!~'], body }, { args: ['X'], body: new Uint8Array(0) }]
      const header = encodeHeader(stanzas, FILE_KEY)
      const lines = new TextDecoder().decode(header).split('\n')
      const bodyLines = lines.slice(2, lines.indexOf('-> X'))
      expect(bodyLines.slice(0, -1).every(line => line.length === 64)).toBe(true)
      expect((bodyLines.at(-1) as string).length).toBeLessThan(64)
      // A body filling whole lines (48 bytes each, or none) ends with an empty line.
      expect(bodyLines.at(-1) === '').toBe(size % 48 === 0)
      const parsed = parseHeader(header)
      expect(parsed.stanzas).toEqual(stanzas)
      expect(parsed.length).toBe(header.length)
      expect(parsed.mac).toEqual(headerMac(FILE_KEY, parsed.macInput))
      expect(new TextDecoder().decode(parsed.macInput).endsWith('\n---')).toBe(true)
    }
  })

  it('stops at the MAC line: what follows is payload', () => {
    const header = encodeHeader([{ args: ['t'], body: new Uint8Array(3) }], FILE_KEY)
    const file = new Uint8Array(header.length + 5).fill(0xff)
    file.set(header)
    expect(parseHeader(file).length).toBe(header.length)
  })

  it('rejects what age does not write', () => {
    const v = 'age-encryption.org/v1'
    expectMalformed('', /no version line/)
    expectMalformed('age-encryption.org/v2\n', /unsupported version/)
    expectMalformed(`${v}\r\n--- ${VALID_MAC}\n`, /0x0d/)
    expectMalformed(`${v}\n-> a\tb\n\n--- ${VALID_MAC}\n`, /0x09/)
    expectMalformed(`${v}\n-> é\n\n--- ${VALID_MAC}\n`, /0xc3/)
    expectMalformed(`${v}\n-> a  b\n\n--- ${VALID_MAC}\n`, /non-empty/)
    expectMalformed(`${v}\n-> a \n\n--- ${VALID_MAC}\n`, /non-empty/)
    expectMalformed(`${v}\n->\n\n--- ${VALID_MAC}\n`, /neither a stanza/)
    expectMalformed(`${v}\n->a\n\n--- ${VALID_MAC}\n`, /neither a stanza/)
    expectMalformed(`${v}\n-> a\nQQ==\n--- ${VALID_MAC}\n`, /not canonical/)
    expectMalformed(`${v}\n-> a\nQR\n--- ${VALID_MAC}\n`, /not canonical/)
    expectMalformed(`${v}\n-> a\n${'A'.repeat(68)}\n--- ${VALID_MAC}\n`, /68 columns/)
    // A full line must be followed by a short one, even an empty one.
    expectMalformed(`${v}\n-> a\n${'A'.repeat(64)}\n--- ${VALID_MAC}\n`, /without a short body line/)
    expectMalformed(`${v}\n-> a\n${'A'.repeat(64)}\n-> b\n\n--- ${VALID_MAC}\n`, /without a short body line/)
    // A short line ends the body: a second one is no stanza.
    expectMalformed(`${v}\n-> a\nAAAA\nAAAA\n--- ${VALID_MAC}\n`, /neither a stanza/)
    expectMalformed(`${v}\n-> a\n\n`, /ends before its MAC line/)
    expectMalformed(`${v}\n-> a\n\n--- ${VALID_MAC}`, /ends before its MAC line/)
    expectMalformed(`${v}\n-> a\n\n---${VALID_MAC}\n`, /MAC line/)
    expectMalformed(`${v}\n-> a\n\n---  ${VALID_MAC}\n`, /MAC line/)
    expectMalformed(`${v}\n-> a\n\n--- ${VALID_MAC} \n`, /MAC line/)
    expectMalformed(`${v}\n-> a\n\n--- ${'A'.repeat(40)}\n`, /30 bytes, not 32/)
    expectMalformed(`${v}\n-> a\n\n--- ${VALID_MAC.slice(0, -1)}h\n`, /not canonical/)
    expect(parseHeader(text(`${v}\n-> a\n\n--- ${VALID_MAC}\n`)).stanzas).toEqual([{ args: ['a'], body: new Uint8Array(0) }])
  })

  it('refuses to encode stanzas age could not read back', () => {
    for (const args of [[], [''], ['a b'], ['é'], ['a\n'], ['ok', '']]) {
      expect(() => encodeHeaderWithoutMac([{ args, body: new Uint8Array(1) }])).toThrow(AgeMalformedError)
    }
  })
})

const arbitraryString = fc.string({ unit: fc.integer({ min: 33, max: 126 }).map(code => String.fromCharCode(code)), minLength: 1, maxLength: 12 })
const stanza: fc.Arbitrary<Stanza> = fc.record({
  args: fc.array(arbitraryString, { minLength: 1, maxLength: 4 }),
  body: fc.uint8Array({ maxLength: 160 })
})

describe('age header codec (properties)', () => {
  it('every encodable header parses back to the same stanzas', () => {
    fc.assert(fc.property(fc.array(stanza, { maxLength: 5 }), stanzas => {
      const header = encodeHeader(stanzas, FILE_KEY)
      const parsed = parseHeader(header)
      expect(parsed.stanzas).toEqual(stanzas)
      expect(parsed.length).toBe(header.length)
    }), { numRuns: 300 })
  })

  it('random bytes: parsed or an AgeMalformedError, nothing else', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }).map(text)), bytes => {
      try {
        parseHeader(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(AgeMalformedError)
      }
    }), { numRuns: 2000 })
  })

  it('mutated headers: rejected with AgeMalformedError, or canonical (re-encode to the same bytes)', () => {
    const mutation = fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('flip', 'delete', 'insert', 'truncate'),
      byte: fc.constantFrom(0x0a, 0x0d, 0x20, 0x2d, 0x3e, 0x3d, 0x41, 0x2f, 0x00, 0xff, 0x09)
    })
    fc.assert(fc.property(fc.array(stanza, { minLength: 1, maxLength: 3 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), (stanzas, mutations) => {
      let bytes = Array.from(encodeHeader(stanzas, FILE_KEY))
      for (const m of mutations) {
        const at = m.at % (bytes.length + 1)
        if (m.kind === 'flip' && at < bytes.length) bytes[at] = m.byte
        else if (m.kind === 'delete') bytes.splice(at, 1)
        else if (m.kind === 'insert') bytes.splice(at, 0, m.byte)
        else if (m.kind === 'truncate') bytes = bytes.slice(0, at)
      }
      const input = Uint8Array.from(bytes)
      let parsed
      try {
        parsed = parseHeader(input)
      } catch (error) {
        expect(error).toBeInstanceOf(AgeMalformedError)
        return
      }
      expect(encodeHeaderWithoutMac(parsed.stanzas)).toEqual(parsed.macInput)
    }), { numRuns: 2000 })
  })
})
