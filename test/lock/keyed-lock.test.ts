import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { KeyedLock } from '../../src/lock/keyed-lock.ts'

const tick = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 0)) }

describe('keyed lock', () => {
  it('runs work for one key one at a time, in order, and for different keys at once', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.boolean()), { maxLength: 30 }), async (jobs) => {
      const lock = new KeyedLock()
      const running = new Map<string, number>()
      const order = new Map<string, number[]>()
      let most = 0
      const results = await Promise.allSettled(jobs.map(async ([key, fails], i) => await lock.run(key, async () => {
        running.set(key, (running.get(key) ?? 0) + 1)
        expect(running.get(key)).toBe(1)
        most = Math.max(most, [...running.values()].reduce((a, b) => a + b, 0))
        order.set(key, [...(order.get(key) ?? []), i])
        await tick()
        running.set(key, (running.get(key) ?? 0) - 1)
        if (fails) throw new Error(`job ${i} failed`)
        return i
      })))
      // A failed run neither stops later ones nor changes their results.
      results.forEach((result, i) => {
        if ((jobs[i] as [string, boolean])[1]) expect(result.status).toBe('rejected')
        else expect(result).toEqual({ status: 'fulfilled', value: i })
      })
      for (const [key, seen] of order) expect(seen).toEqual(jobs.flatMap(([k], i) => k === key ? [i] : []))
      expect(most).toBeLessThanOrEqual(new Set(jobs.map(([key]) => key)).size)
      if (new Set(jobs.map(([key]) => key)).size > 1) expect(most).toBeGreaterThan(1)
      expect(lock.size).toBe(0)
    }), { numRuns: 100 })
  })
})
