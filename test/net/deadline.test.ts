import { describe, expect, it } from 'vitest'
import { deadline } from '../../src/net/deadline.ts'

describe('deadline', () => {
  it('aborts with a TimeoutError once its time is up', async () => {
    const bound = deadline(5)
    await new Promise(resolve => bound.signal.addEventListener('abort', resolve, { once: true }))
    expect((bound.signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('aborts with its parent, for the parent\'s reason', () => {
    const parent = new AbortController()
    const bound = deadline(60_000, parent.signal)
    parent.abort(new Error('channel closed'))
    expect(bound.signal.aborted).toBe(true)
    expect((bound.signal.reason as Error).message).toBe('channel closed')
  })

  it('is aborted from the start under an aborted parent', () => {
    const parent = new AbortController()
    parent.abort(new Error('gone'))
    const bound = deadline(60_000, parent.signal)
    expect(bound.signal.aborted).toBe(true)
    expect(() => { bound.clear() }).not.toThrow()
  })

  it('once cleared, neither its time nor its parent aborts it', async () => {
    const parent = new AbortController()
    const bound = deadline(5, parent.signal)
    bound.clear()
    await new Promise(resolve => setTimeout(resolve, 20))
    parent.abort(new Error('late'))
    expect(bound.signal.aborted).toBe(false)
  })
})
