import { describe, expect, it } from 'vitest'
import { AbortError, InvalidAddressError, SlurpError, throwIfAborted } from '../../src/errors.ts'

describe('errors', () => {
  it('carry their class name and a stable code', () => {
    const err = new InvalidAddressError('bad')
    expect(err).toBeInstanceOf(SlurpError)
    expect(err.name).toBe('InvalidAddressError')
    expect(err.code).toBe('ERR_INVALID_ADDRESS')
  })

  it('throwIfAborted throws AbortError only once aborted', () => {
    const controller = new AbortController()
    expect(() => { throwIfAborted(controller.signal) }).not.toThrow()
    controller.abort(new Error('stop'))
    expect(() => { throwIfAborted(controller.signal) }).toThrow(AbortError)
  })
})
