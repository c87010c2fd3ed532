import { describe, expect, it } from 'vitest'
import { LruCache } from '../../src/store/lru.ts'

describe('LruCache', () => {
  it('evicts the least recently set entry beyond capacity', () => {
    const evicted: string[] = []
    const lru = new LruCache<string, number>(2, key => { evicted.push(key) })
    lru.set('a', 1)
    lru.set('b', 2)
    lru.set('c', 3)
    expect(evicted).toEqual(['a'])
    expect([...lru.entries()]).toEqual([['b', 2], ['c', 3]])
    expect(lru.size).toBe(2)
  })

  it('get marks an entry most recently used, peek does not', () => {
    const lru = new LruCache<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1)
    lru.set('c', 3)
    expect(lru.has('b')).toBe(false)
    expect(lru.peek('a')).toBe(1)
    lru.set('d', 4)
    expect(lru.has('a')).toBe(false)
    expect([...lru.entries()].map(([k]) => k)).toEqual(['c', 'd'])
  })

  it('re-setting a key refreshes it without evicting', () => {
    const evicted: string[] = []
    const lru = new LruCache<string, number>(2, key => { evicted.push(key) })
    lru.set('a', 1)
    lru.set('b', 2)
    lru.set('a', 10)
    expect(evicted).toEqual([])
    lru.set('c', 3)
    expect(evicted).toEqual(['b'])
    expect(lru.get('a')).toBe(10)
  })

  it('delete and clear remove entries without counting as evictions', () => {
    const evicted: string[] = []
    const lru = new LruCache<string, number>(3, key => { evicted.push(key) })
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.delete('a')).toBe(true)
    expect(lru.delete('a')).toBe(false)
    lru.clear()
    expect(lru.size).toBe(0)
    expect(lru.get('b')).toBeUndefined()
    expect(evicted).toEqual([])
  })

  it('keeps undefined values distinct from missing ones', () => {
    const lru = new LruCache<string, number | undefined>(1)
    lru.set('a', undefined)
    expect(lru.has('a')).toBe(true)
  })

  it('rejects a capacity below one', () => {
    expect(() => new LruCache(0)).toThrow(RangeError)
    expect(() => new LruCache(1.5)).toThrow(RangeError)
  })
})
