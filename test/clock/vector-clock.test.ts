import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compare, dominates, increment, merge, sortedEntries } from '../../src/clock/vector-clock.ts'
import type { VectorClock } from '../../src/clock/vector-clock.ts'

const actor = fc.constantFrom('a', 'b', 'c', 'd')
const clock: fc.Arbitrary<VectorClock> = fc.dictionary(actor, fc.integer({ min: 1, max: 5 }))

describe('vector clocks', () => {
  it('orders simple histories', () => {
    const a = increment({}, 'a')
    const ab = increment(a, 'b')
    expect(compare(a, ab)).toBe('before')
    expect(compare(ab, a)).toBe('after')
    expect(compare(ab, { ...ab })).toBe('equal')
    expect(compare(increment(a, 'a'), ab)).toBe('concurrent')
    expect(dominates(ab, a)).toBe(true)
    expect(dominates(a, a)).toBe(false)
  })

  it('compare is antisymmetric', () => {
    const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const
    fc.assert(fc.property(clock, clock, (x, y) => compare(y, x) === flip[compare(x, y)]))
  })

  it('merge is commutative, associative, idempotent and an upper bound', () => {
    fc.assert(fc.property(clock, clock, clock, (x, y, z) => {
      expect(compare(merge(x, y), merge(y, x))).toBe('equal')
      expect(compare(merge(merge(x, y), z), merge(x, merge(y, z)))).toBe('equal')
      expect(compare(merge(x, x), x)).toBe('equal')
      expect(['after', 'equal']).toContain(compare(merge(x, y), x))
      expect(['after', 'equal']).toContain(compare(merge(x, y), y))
    }))
  })

  it('increment after merge dominates both inputs', () => {
    fc.assert(fc.property(clock, clock, actor, (x, y, who) => {
      const next = increment(merge(x, y), who)
      return dominates(next, x) && dominates(next, y)
    }))
  })

  it('sortedEntries is sorted and drops zero counters', () => {
    expect(sortedEntries({ b: 1, a: 2, c: 0 })).toEqual([['a', 2], ['b', 1]])
  })
})
