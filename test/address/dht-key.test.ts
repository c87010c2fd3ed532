import { describe, expect, it } from 'vitest'
import { InvalidAddressError } from '../../src/errors.ts'
import { dhtKey, parseAddress } from '../../src/address/index.ts'

// Expected keys computed outside this code base:
//   printf %s "$canonical" | openssl dgst -sha256 -binary | basenc --base64url | tr -d =
describe('dhtKey', () => {
  it.each([
    ['ucxl://project123/src/main.go', 'nhAaMR97rsqc-YqvgFQF-VKkp-fTPLVlV4sQWPDd0Mo'],
    ['ucxl://project123/', 'H4Wcz3dQfv0RGQhmVakxZISuUkZT7eYgu0bN65jBdCU'],
    ['ucxl://agent001:backend_developer@project123:task456/src/main.go', 'y98AkRAfOsrrZOweOyEBG9FTYFIcWEqfuCypAcaorPI']
  ])('%s', async (address, hash) => {
    expect(await dhtKey(address)).toBe('/slurp/ucxl/' + hash)
  })

  it('hashes the canonical form, so equivalent spellings share a key', async () => {
    const expected = '/slurp/ucxl/nhAaMR97rsqc-YqvgFQF-VKkp-fTPLVlV4sQWPDd0Mo'
    for (const spelling of [
      'UCXL://project123/src/main.go',
      'ucxl://PROJECT123/src/main.go',
      'ucxl://project123/%73rc/main%2Ego',
      'ucxl://project123/%73%72%63/main.go'
    ]) {
      expect(await dhtKey(spelling)).toBe(expected)
    }
    expect(await dhtKey('ucxl://project123')).toBe(await dhtKey('ucxl://project123/'))
    expect(await dhtKey('ucxl://p/a%7Eb')).toBe(await dhtKey('ucxl://p/a~b'))
    expect(await dhtKey('ucxl://p/a%2fb')).toBe(await dhtKey('ucxl://p/a%2Fb'))
    expect(await dhtKey('ucxl://p/caf\u00e9')).toBe(await dhtKey('ucxl://p/cafe%cc%81'))
    expect(await dhtKey(parseAddress('ucxl://p/x'))).toBe(await dhtKey('ucxl://p/x'))
  })

  it('gives different keys to different addresses', async () => {
    const addresses = [
      'ucxl://p/',
      'ucxl://p/a',
      'ucxl://p/A',
      'ucxl://p/a/b',
      'ucxl://p/a%2Fb',
      'ucxl://p/a%3Db',
      'ucxl://p/a=b',
      'ucxl://q/a',
      'ucxl://p:t/a',
      'ucxl://x@p/a',
      'ucxl://x:r@p/a'
    ]
    const keys = await Promise.all(addresses.map(dhtKey))
    expect(new Set(keys).size).toBe(addresses.length)
    for (const key of keys) expect(key).toMatch(/^\/slurp\/ucxl\/[A-Za-z0-9_-]{43}$/)
  })

  it('rejects an invalid address', async () => {
    await expect(dhtKey('ucxl://p/a//b')).rejects.toThrow(InvalidAddressError)
    await expect(dhtKey('not an address')).rejects.toThrow(/must start with 'ucxl:\/\/'/)
  })
})
