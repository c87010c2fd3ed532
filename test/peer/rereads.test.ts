import { describe, expect, it } from 'vitest'
import { Rereads } from '../../src/peer/rereads.ts'

/** A re-read the test finishes by hand, recording what it was asked. */
function controlled () {
  const started: string[] = []
  const pending: Array<{ resolve: () => void, reject: (error: Error) => void }> = []
  const reread = async (address: string): Promise<void> => {
    started.push(address)
    await new Promise<void>((resolve, reject) => { pending.push({ resolve, reject }) })
  }
  const settle = async (outcome: 'ok' | 'fail' = 'ok'): Promise<void> => {
    const next = pending.shift()
    if (next === undefined) throw new Error('no re-read is waiting')
    if (outcome === 'ok') next.resolve()
    else next.reject(new Error('relay busy'))
    // Let the finished re-read's continuation run.
    for (let i = 0; i < 5; i++) await Promise.resolve()
  }
  return { started, pending, reread, settle }
}

describe('re-reads after write notices', () => {
  it('re-reads once more when a notice arrives during a re-read of the same address', async () => {
    const c = controlled()
    const rereads = new Rereads(c.reread)
    const first = rereads.notice('ucxl://p/a')
    await Promise.resolve()
    expect(c.started).toEqual(['ucxl://p/a'])
    // Two more notices while the first re-read is out: one more re-read, not two, and not beside it.
    const extra = [rereads.notice('ucxl://p/a'), rereads.notice('ucxl://p/a')]
    expect(c.started).toHaveLength(1)
    await c.settle()
    expect(c.started).toEqual(['ucxl://p/a', 'ucxl://p/a'])
    await c.settle()
    await Promise.all([first, ...extra])
    expect(c.started).toHaveLength(2)
    expect(rereads.size).toBe(0)
  })

  it('re-reads different addresses side by side', async () => {
    const c = controlled()
    const rereads = new Rereads(c.reread)
    const both = Promise.all([rereads.notice('ucxl://p/a'), rereads.notice('ucxl://p/b')])
    await Promise.resolve()
    expect(c.started).toEqual(['ucxl://p/a', 'ucxl://p/b'])
    await c.settle()
    await c.settle()
    await both
  })

  it('tries a failed re-read once more after the retry delay, then gives up quietly', async () => {
    const c = controlled()
    const slept: number[] = []
    const rereads = new Rereads(c.reread, { retryMs: 250, sleep: async ms => { slept.push(ms) } })
    const done = rereads.notice('ucxl://p/a')
    await Promise.resolve()
    await c.settle('fail')
    expect(slept).toEqual([250])
    expect(c.started).toHaveLength(2)
    await c.settle('fail')
    await expect(done).resolves.toBeUndefined()
    expect(c.started).toHaveLength(2)
    // The next notice starts afresh.
    const again = rereads.notice('ucxl://p/a')
    await Promise.resolve()
    expect(c.started).toHaveLength(3)
    await c.settle()
    await again
  })
})
