import { describe, expect, it } from 'vitest'
import { CleanupGrace } from '../../src/replication/cleanup-grace.ts'

// The clock behind issue 10 finding 1's grace: a copy is let go only after
// this relay has not been responsible for it for the whole period, and only
// on the word of relays known as certified for as long.
describe('cleanup grace', () => {
  it('lets go of a key only after a whole grace period without responsibility', () => {
    let now = 0
    const grace = new CleanupGrace(1000, () => now)
    expect(grace.handedOverLongAgo('k', false)).toBe(false)
    now = 999
    expect(grace.handedOverLongAgo('k', false)).toBe(false)
    now = 1000
    expect(grace.handedOverLongAgo('k', false)).toBe(true)
    // Responsible again (a relay left): the period starts over.
    expect(grace.handedOverLongAgo('k', true)).toBe(false)
    now = 1500
    expect(grace.handedOverLongAgo('k', false)).toBe(false)
    now = 2499
    expect(grace.handedOverLongAgo('k', false)).toBe(false)
    now = 2500
    expect(grace.handedOverLongAgo('k', false)).toBe(true)
  })

  it('forgets keys no longer held, and trusts only relays certified for the whole period', () => {
    let now = 0
    const grace = new CleanupGrace(1000, () => now)
    grace.handedOverLongAgo('gone', false)
    grace.keepOnly(new Set())
    now = 5000
    expect(grace.handedOverLongAgo('gone', false)).toBe(false)
    expect(grace.trusts(999)).toBe(false)
    expect(grace.trusts(1000)).toBe(true)
  })
})
