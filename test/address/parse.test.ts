import { describe, expect, it } from 'vitest'
import { InvalidAddressError } from '../../src/errors.ts'
import { isAddress, MAX_ADDRESS_LENGTH, normaliseAddress, parseAddress } from '../../src/address/index.ts'

describe('parseAddress accepts', () => {
  it.each([
    ['ucxl://agent001:backend_developer@project123:task456/src/main.go', {
      agent: 'agent001',
      role: 'backend_developer',
      project: 'project123',
      task: 'task456',
      segments: ['src', 'main.go'],
      path: '/src/main.go',
      canonical: 'ucxl://agent001:backend_developer@project123:task456/src/main.go'
    }],
    ['ucxl://project123/src/main.go', {
      project: 'project123',
      segments: ['src', 'main.go'],
      path: '/src/main.go',
      canonical: 'ucxl://project123/src/main.go'
    }],
    ['ucxl://project123:task456/docs', {
      project: 'project123',
      task: 'task456',
      segments: ['docs'],
      path: '/docs',
      canonical: 'ucxl://project123:task456/docs'
    }],
    ['ucxl://agent001@project123/x', {
      agent: 'agent001',
      project: 'project123',
      segments: ['x'],
      path: '/x',
      canonical: 'ucxl://agent001@project123/x'
    }],
    ['ucxl://project123', { project: 'project123', segments: [], path: '/', canonical: 'ucxl://project123/' }],
    ['ucxl://project123/', { project: 'project123', segments: [], path: '/', canonical: 'ucxl://project123/' }],
    ['UCXL://Agent001:Backend_Developer@Project123:TASK456/Src/Main.GO', {
      agent: 'agent001',
      role: 'backend_developer',
      project: 'project123',
      task: 'task456',
      segments: ['Src', 'Main.GO'],
      path: '/Src/Main.GO',
      canonical: 'ucxl://agent001:backend_developer@project123:task456/Src/Main.GO'
    }]
  ])('%s', (input, expected) => {
    const address = parseAddress(input)
    expect(address).toEqual(expected)
    expect(Object.isFrozen(address)).toBe(true)
    expect(Object.isFrozen(address.segments)).toBe(true)
  })

  it('leaves absent fields out rather than undefined', () => {
    expect(Object.keys(parseAddress('ucxl://p/x'))).toEqual(['project', 'segments', 'path', 'canonical'])
  })

  it.each([
    // scheme and identifiers
    ['uCxL://p/a', 'ucxl://p/a'],
    ['ucxl://a.b_c-d/x', 'ucxl://a.b_c-d/x'],
    ['ucxl://.../x', 'ucxl://.../x'],
    ['ucxl://.a:b.@c.:.d/x', 'ucxl://.a:b.@c.:.d/x'],
    ['ucxl://' + 'P'.repeat(64), 'ucxl://' + 'p'.repeat(64) + '/'],
    // unreserved escapes are decoded, whatever the case of their hex
    ['ucxl://p/%7E%7e~', 'ucxl://p/~~~'],
    ['ucxl://p/%41%5a%61%7A%30%39%2D%2E%5F', 'ucxl://p/AZaz09-._'],
    ['ucxl://p/%2e%2e%2e', 'ucxl://p/...'],
    ['ucxl://p/a%2Eb', 'ucxl://p/a.b'],
    // other ASCII escapes are kept, upper-cased
    ['ucxl://p/a%2fb', 'ucxl://p/a%2Fb'],
    ['ucxl://p/%2F', 'ucxl://p/%2F'],
    ['ucxl://p/%3d%3F%23%25%5c%20', 'ucxl://p/%3D%3F%23%25%5C%20'],
    ['ucxl://p/%2e%2f', 'ucxl://p/.%2F'],
    // sub-delims, ':' and '@' stay raw and stay distinct from their escapes
    ["ucxl://p/a=b;c,d:e@f!$&'()*+", "ucxl://p/a=b;c,d:e@f!$&'()*+"],
    ['ucxl://p/@:', 'ucxl://p/@:'],
    // raw ASCII not allowed in a URI path is percent-encoded
    ['ucxl://p/a<b>"[]^`{|}', 'ucxl://p/a%3Cb%3E%22%5B%5D%5E%60%7B%7C%7D'],
    // non-ASCII: NFC, then UTF-8 escapes; raw and escaped spellings agree
    ['ucxl://p/caf\u00e9', 'ucxl://p/caf%C3%A9'],
    ['ucxl://p/cafe\u0301', 'ucxl://p/caf%C3%A9'],
    ['ucxl://p/caf%c3%a9', 'ucxl://p/caf%C3%A9'],
    ['ucxl://p/cafe%CC%81', 'ucxl://p/caf%C3%A9'],
    ['ucxl://p/caf%65%cc%81', 'ucxl://p/caf%C3%A9'],
    ['ucxl://p/\u212a', 'ucxl://p/K'],
    ['ucxl://p/\u037e', 'ucxl://p/;'],
    ['ucxl://p/<\u0338', 'ucxl://p/%E2%89%AE'],
    ['ucxl://p/%3C\u0338', 'ucxl://p/%3C%CC%B8'],
    ['ucxl://p/\u{1f600}', 'ucxl://p/%F0%9F%98%80'],
    ['ucxl://p/%EF%BB%BF', 'ucxl://p/%EF%BB%BF'],
    ['ucxl://p/\u65e5\u672c', 'ucxl://p/%E6%97%A5%E6%9C%AC'],
    // dots that are not whole '.' or '..' segments are ordinary names
    ['ucxl://p/.hidden/a./.../a..b', 'ucxl://p/.hidden/a./.../a..b'],
    // percent-escaped whitespace is fine
    ['ucxl://p/a%20b/%C2%A0', 'ucxl://p/a%20b/%C2%A0']
  ])('%s → %s', (input, canonical) => {
    expect(parseAddress(input).canonical).toBe(canonical)
    expect(normaliseAddress(input)).toBe(canonical)
    expect(normaliseAddress(canonical)).toBe(canonical)
  })

  it('accepts an input of exactly MAX_ADDRESS_LENGTH characters', () => {
    const input = 'ucxl://p/' + 'a'.repeat(MAX_ADDRESS_LENGTH - 9)
    expect(input).toHaveLength(MAX_ADDRESS_LENGTH)
    expect(parseAddress(input).canonical).toBe(input)
  })
})

describe('parseAddress rejects', () => {
  const long = 'ucxl://p/' + 'a'.repeat(MAX_ADDRESS_LENGTH)
  // The input, a pattern the message must match (what is wrong), and where.
  it.each<[string, RegExp, number | undefined]>([
    // scheme
    ['', /must start with 'ucxl:\/\/'/, 0],
    ['http://p/x', /must start with 'ucxl:\/\/'/, 0],
    ['ucxl:/p/x', /must start with 'ucxl:\/\/'/, 0],
    ['ucxl:p', /must start with 'ucxl:\/\/'/, 0],
    [' ucxl://p', /must start with 'ucxl:\/\/'/, 0],
    ['ucxl//p', /must start with 'ucxl:\/\/'/, 0],
    // authority structure
    ['ucxl://', /project is empty/, 7],
    ['ucxl:///x', /project is empty/, 7],
    ['ucxl://@p', /agent is empty/, 7],
    ['ucxl://:r@p', /agent is empty/, 7],
    ['ucxl://a:@p', /role is empty/, 9],
    ['ucxl://a@', /project is empty/, 9],
    ['ucxl://p:', /task is empty/, 9],
    ['ucxl://p:/x', /task is empty/, 9],
    ['ucxl://a@b@c', /more than one '@'/, 10],
    ['ucxl://a:b:c@p', /more than one ':' in agent:role/, 10],
    ['ucxl://p:t:u', /more than one ':' in project:task/, 10],
    // identifier characters
    ['ucxl://*/x', /wildcard '\*' is not allowed in project/, 7],
    ['ucxl://*@p/x', /wildcard '\*' is not allowed in agent/, 7],
    ['ucxl://a:*@p/x', /wildcard '\*' is not allowed in role/, 9],
    ['ucxl://p:*/x', /wildcard '\*' is not allowed in task/, 9],
    ['ucxl://pro ject', /project contains whitespace U\+0020/, 10],
    ['ucxl://p ', /project contains whitespace U\+0020/, 8],
    ['ucxl://pr\u00f6ject', /project contains U\+00F6/, 9],
    ['ucxl://\u212aelvin', /project contains U\+212A/, 7],
    ['ucxl://p%41', /percent-escapes are not allowed in project/, 8],
    ['ucxl://p+q', /project contains '\+'/, 8],
    ['ucxl://p\u0000', /project contains control character U\+0000/, 8],
    ['ucxl://p?q=1', /'\?' is not allowed \(ucxl addresses have no query\)/, 8],
    ['ucxl://p#frag', /'#' is not allowed \(ucxl addresses have no fragment\)/, 8],
    ['ucxl://p\\x', /project contains '\\' \(U\+005C\)/, 8],
    ['ucxl://' + 'p'.repeat(65), /project is 65 characters long; the limit is 64/, 7],
    ['ucxl://a:' + 'r'.repeat(65) + '@p', /role is 65 characters long/, 9],
    ['ucxl://./x', /project must not be '\.' or '\.\.'/, 7],
    ['ucxl://..', /project must not be '\.' or '\.\.'/, 7],
    ['ucxl://..@p', /agent must not be/, 7],
    ['ucxl://p:./x', /task must not be/, 9],
    // empty segments
    ['ucxl://p//', /empty path segment \('\/\/'\)/, 9],
    ['ucxl://p//a', /empty path segment/, 9],
    ['ucxl://p/a//b', /empty path segment/, 11],
    ['ucxl://p/a/', /trailing '\/' is only allowed on the root path/, 10],
    // dot segments, raw or escaped
    ['ucxl://p/.', /path segment '\.' is not allowed/, 9],
    ['ucxl://p/..', /path segment '\.\.' is not allowed/, 9],
    ['ucxl://p/a/../b', /path segment '\.\.' is not allowed/, 11],
    ['ucxl://p/a/./b', /path segment '\.' is not allowed/, 11],
    ['ucxl://p/%2e', /path segment '\.' is not allowed/, 9],
    ['ucxl://p/%2e%2E', /path segment '\.\.' is not allowed/, 9],
    ['ucxl://p/.%2E', /path segment '\.\.' is not allowed/, 9],
    // malformed escapes
    ['ucxl://p/%', /malformed percent-escape/, 9],
    ['ucxl://p/a%', /malformed percent-escape/, 10],
    ['ucxl://p/%4', /malformed percent-escape/, 9],
    ['ucxl://p/%4/x', /malformed percent-escape/, 9],
    ['ucxl://p/%zz', /malformed percent-escape/, 9],
    ['ucxl://p/%4g', /malformed percent-escape/, 9],
    ['ucxl://p/%41%', /malformed percent-escape/, 12],
    ['ucxl://p/100%', /malformed percent-escape/, 12],
    // escapes that are not UTF-8
    ['ucxl://p/%C3', /percent-escapes do not decode to valid UTF-8/, 9],
    ['ucxl://p/%C3%28', /do not decode to valid UTF-8/, 9],
    ['ucxl://p/a%FF', /do not decode to valid UTF-8/, 10],
    ['ucxl://p/%C0%AF', /do not decode to valid UTF-8/, 9],
    ['ucxl://p/%ED%A0%80', /do not decode to valid UTF-8/, 9],
    ['ucxl://p/%F4%90%80%80', /do not decode to valid UTF-8/, 9],
    ['ucxl://p/%C3x%A9', /do not decode to valid UTF-8/, 9],
    // control characters, raw or escaped
    ['ucxl://p/a\u0000', /control character U\+0000 is not allowed/, 10],
    ['ucxl://p/a\u001f', /control character U\+001F/, 10],
    ['ucxl://p/a\u007f', /control character U\+007F/, 10],
    ['ucxl://p/a\tb', /control character U\+0009/, 10],
    ['ucxl://p/a\n', /control character U\+000A/, 10],
    ['ucxl://p/%00', /percent-encoded control character U\+0000/, 9],
    ['ucxl://p/ab%1f', /percent-encoded control character U\+001F/, 11],
    ['ucxl://p/%7f', /percent-encoded control character U\+007F/, 9],
    ['ucxl://p/%C3%A9%0A', /percent-encoded control character U\+000A/, 15],
    // query, fragment, backslash, whitespace, surrogates
    ['ucxl://p/a?b', /'\?' is not allowed \(ucxl addresses have no query\)/, 10],
    ['ucxl://p/a?', /no query/, 10],
    ['ucxl://p/a#b', /no fragment/, 10],
    ['ucxl://p/#', /no fragment/, 9],
    ['ucxl://p/a\\b', /backslash is not allowed/, 10],
    ['ucxl://p/a b', /whitespace U\+0020 is not allowed; percent-encode it/, 10],
    ['ucxl://p/a\u00a0', /whitespace U\+00A0/, 10],
    ['ucxl://p/a\u3000', /whitespace U\+3000/, 10],
    ['ucxl://p/\ufeffa', /whitespace U\+FEFF/, 9],
    ['ucxl://p/a\ud800', /unpaired surrogate U\+D800/, 10],
    ['ucxl://p/\udc00a', /unpaired surrogate U\+DC00/, 9],
    // length
    [long, new RegExp(`address is ${long.length} characters long; the limit is ${MAX_ADDRESS_LENGTH}`), undefined],
    ['ucxl://p/' + '\u00e9'.repeat(400), /canonical form is 2409 characters long; the limit is 2048/, undefined]
  ])('%j', (input, problem, index) => {
    let thrown: unknown
    try { parseAddress(input) } catch (err) { thrown = err }
    expect(thrown).toBeInstanceOf(InvalidAddressError)
    const { message } = thrown as InvalidAddressError
    expect(message).toMatch(problem)
    expect(message.startsWith(index === undefined ? 'invalid ucxl address: ' : `invalid ucxl address at index ${index}: `)).toBe(true)
    expect(isAddress(input)).toBe(false)
  })

  it('never prints raw control characters in its messages', () => {
    for (const input of ['ucxl://p\u0007', 'ucxl://p/\u0007', 'ucxl://p/\u001b[31m']) {
      // eslint-disable-next-line no-control-regex -- the message must not echo control characters
      expect(() => parseAddress(input)).toThrow(/^[^\u0000-\u001f\u007f]*$/)
    }
  })

  // Chromium 156's optimised String#codePointAt reads past the end of a sliced string,
  // pairing a trailing lone surrogate with the parent's next code unit. Enough rounds
  // to get the parser optimised, each on a slice that cuts a surrogate pair in half.
  it('a lone surrogate at the end of a string sliced out of a valid pair', () => {
    let accepted = 0
    for (let round = 0; round < 50_000; round++) {
      const parent = `ucxl://project/segment-${round}\u{10000}`
      if (isAddress(parent.slice(0, -1))) accepted++
    }
    expect(accepted).toBe(0)
  })

  it.each([undefined, null, 42, {}, ['ucxl://p']])('a non-string (%j)', (input) => {
    expect(() => parseAddress(input as unknown as string)).toThrow(InvalidAddressError)
    expect(() => parseAddress(input as unknown as string)).toThrow(/expected a string/)
  })
})

describe('isAddress', () => {
  it('is true for valid addresses and false for anything else', () => {
    expect(isAddress('ucxl://p')).toBe(true)
    expect(isAddress('UCXL://a:r@p:t/x/y')).toBe(true)
    expect(isAddress('ucxl://p/a//b')).toBe(false)
    expect(isAddress('')).toBe(false)
    expect(isAddress(undefined)).toBe(false)
    expect(isAddress(42)).toBe(false)
    expect(isAddress({ canonical: 'ucxl://p/' })).toBe(false)
  })
})
