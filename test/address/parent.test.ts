import { describe, expect, it } from 'vitest'
import { InvalidAddressError } from '../../src/errors.ts'
import { parentAddress, parseAddress } from '../../src/address/index.ts'

describe('parentAddress', () => {
  it('walks up one segment at a time, keeping the authority', () => {
    expect(parentAddress('ucxl://a:r@p:t/src/main.go')).toBe('ucxl://a:r@p:t/src')
    expect(parentAddress('ucxl://a:r@p:t/src')).toBe('ucxl://a:r@p:t/')
    expect(parentAddress('ucxl://a:r@p:t/')).toBeUndefined()
    expect(parentAddress('ucxl://p')).toBeUndefined()
  })

  it('returns the canonical form', () => {
    expect(parentAddress('UCXL://P/%7e/x')).toBe('ucxl://p/~')
    expect(parentAddress('ucxl://p/a%2fb/c')).toBe('ucxl://p/a%2Fb')
  })

  it('accepts a parsed address', () => {
    expect(parentAddress(parseAddress('ucxl://p/a/b'))).toBe('ucxl://p/a')
  })

  it('rejects an invalid address', () => {
    expect(() => parentAddress('ucxl://p/a/../b')).toThrow(InvalidAddressError)
  })
})
