import { disable, enable } from '@libp2p/logger'
import { afterEach, describe, expect, it } from 'vitest'
import { lazyLogger } from '../../src/net/lazy-logger.ts'

describe('lazyLogger', () => {
  afterEach(() => { disable() })

  it('gives a disabled logger, and disabled scopes, for names nobody turned on', () => {
    disable()
    const log = lazyLogger().forComponent('slurp-test:quiet')
    expect(log.enabled).toBe(false)
    expect(log.newScope('stream:1').enabled).toBe(false)
    expect(() => { log('nothing %s', 'printed'); log.error('nor this'); log.trace('nor this') }).not.toThrow()
  })

  it('gives libp2p\'s own logger for a name DEBUG turns on, and for a scope below it', () => {
    enable('slurp-test:loud*')
    const logger = lazyLogger()
    expect(logger.forComponent('slurp-test:loud').enabled).toBe(true)
    expect(logger.forComponent('slurp-test:quiet').newScope('loud').enabled).toBe(false)
    expect(logger.forComponent('slurp-test:other').enabled).toBe(false)
    expect(logger.forComponent('slurp-test').newScope('loud').enabled).toBe(true)
  })

  it('turns a component on when only its errors are asked for', () => {
    enable('slurp-test:errors:error')
    const enabledOf = (log: unknown): unknown => (log as { enabled?: boolean }).enabled
    expect(enabledOf(lazyLogger().forComponent('slurp-test:errors').error)).toBe(true)
    expect(enabledOf(lazyLogger().forComponent('slurp-test:quiet').error)).toBe(false)
  })
})
