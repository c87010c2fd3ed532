import { beforeEach, describe, expect, it } from 'vitest'
import { StorageError, UsageError } from '../../src/errors.ts'
import { createCachedStore } from '../../src/store/cache.ts'
import type { CachedStore } from '../../src/store/cache.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { describeStoreConformance } from './conformance.ts'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

describeStoreConformance('cached memory', () => createCachedStore(createMemoryStore(), { maxEntries: 8, ttlMs: 60_000 }))
// A cache smaller than the working set exercises eviction under the same contract.
describeStoreConformance('cached memory (2 entries)', () => createCachedStore(createMemoryStore(), { maxEntries: 2, ttlMs: 60_000 }), { propertyRuns: 50 })

describe('cached store', () => {
  let clock: number
  let inner: KVStore
  let cached: CachedStore

  async function setup (maxEntries = 3, ttlMs = 1000): Promise<void> {
    clock = 1_000_000
    inner = createMemoryStore()
    cached = createCachedStore(inner, { maxEntries, ttlMs, now: () => clock })
    await cached.open()
  }

  beforeEach(async () => { await setup() })

  it('opens and closes the inner store', async () => {
    await inner.put('k', bytes('v'))
    await cached.close()
    await expect(inner.get('k')).rejects.toThrow(/not open/)
    await cached.open()
    expect(await inner.get('k')).toEqual(bytes('v'))
  })

  it('counts a first read as a miss and a repeat as a hit', async () => {
    await inner.put('k', bytes('v'))
    expect(await cached.get('k')).toEqual(bytes('v'))
    expect(cached.stats()).toEqual({ hits: 0, misses: 1, evictions: 0, size: 1 })
    expect(await cached.get('k')).toEqual(bytes('v'))
    expect(cached.stats()).toEqual({ hits: 1, misses: 1, evictions: 0, size: 1 })
  })

  it('answers hits without the inner store', async () => {
    await inner.put('k', bytes('old'))
    await cached.get('k')
    await inner.put('k', bytes('changed behind the cache'))
    expect(await cached.get('k')).toEqual(bytes('old'))
    expect(await cached.has('k')).toBe(true)
  })

  it('does not cache missing keys', async () => {
    expect(await cached.get('k')).toBeUndefined()
    await inner.put('k', bytes('v'))
    expect(await cached.get('k')).toEqual(bytes('v'))
    expect(cached.stats()).toMatchObject({ hits: 0, misses: 2, size: 1 })
  })

  it('returns copies of cached values', async () => {
    await cached.put('k', bytes('v'))
    const first = await cached.get('k')
    first?.fill(0)
    expect(await cached.get('k')).toEqual(bytes('v'))
    expect(cached.stats().hits).toBe(2)
  })

  it('expires entries once ttlMs has passed', async () => {
    await inner.put('k', bytes('old'))
    await cached.get('k')
    await inner.put('k', bytes('new'))
    clock += 999
    expect(await cached.get('k')).toEqual(bytes('old'))
    clock += 1
    expect(await cached.get('k')).toEqual(bytes('new'))
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 2, evictions: 0 })
  })

  it('measures the ttl from the last write, not the first read', async () => {
    await cached.put('k', bytes('1'))
    clock += 800
    await cached.put('k', bytes('2'))
    clock += 800
    await inner.put('k', bytes('behind'))
    expect(await cached.get('k')).toEqual(bytes('2'))
  })

  it('reports only unexpired entries in size', async () => {
    await cached.put('a', bytes('1'))
    clock += 500
    await cached.put('b', bytes('2'))
    expect(cached.stats().size).toBe(2)
    clock += 500
    expect(cached.stats().size).toBe(1)
    clock += 500
    expect(cached.stats().size).toBe(0)
  })

  it('evicts the least recently used entry beyond maxEntries', async () => {
    for (const key of ['a', 'b', 'c', 'd']) await inner.put(key, bytes(`${key}1`))
    await cached.get('a')
    await cached.get('b')
    await cached.get('c')
    await cached.get('a') // a is now the most recently used, b the least
    await cached.get('d')
    expect(cached.stats()).toEqual({ hits: 1, misses: 4, evictions: 1, size: 3 })
    for (const key of ['a', 'b', 'c', 'd']) await inner.put(key, bytes(`${key}2`))
    expect(await cached.get('a')).toEqual(bytes('a1'))
    expect(await cached.get('c')).toEqual(bytes('c1'))
    expect(await cached.get('d')).toEqual(bytes('d1'))
    expect(await cached.get('b')).toEqual(bytes('b2'))
    expect(cached.stats()).toEqual({ hits: 4, misses: 5, evictions: 2, size: 3 })
  })

  it('writes through put and serves the written value', async () => {
    await cached.put('k', bytes('v'))
    expect(await inner.get('k')).toEqual(bytes('v'))
    expect(await cached.get('k')).toEqual(bytes('v'))
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 0 })
  })

  it('replaces a cached value on put', async () => {
    await inner.put('k', bytes('old'))
    await cached.get('k')
    await cached.put('k', bytes('new'))
    expect(await cached.get('k')).toEqual(bytes('new'))
    expect(await inner.get('k')).toEqual(bytes('new'))
  })

  it('drops a cached value on delete', async () => {
    await cached.put('k', bytes('v'))
    await cached.delete('k')
    expect(await inner.has('k')).toBe(false)
    expect(await cached.get('k')).toBeUndefined()
    expect(await cached.has('k')).toBe(false)
    expect(cached.stats().size).toBe(0)
  })

  it('writes through batch', async () => {
    await cached.put('gone', bytes('v'))
    await cached.put('kept', bytes('old'))
    await cached.batch([
      { type: 'delete', key: 'gone' },
      { type: 'put', key: 'kept', value: bytes('new') },
      { type: 'put', key: 'added', value: bytes('x') }
    ])
    expect(await cached.get('gone')).toBeUndefined()
    expect(await cached.get('kept')).toEqual(bytes('new'))
    expect(await cached.get('added')).toEqual(bytes('x'))
    expect(await inner.get('kept')).toEqual(bytes('new'))
    expect(cached.stats()).toMatchObject({ hits: 2, misses: 1 })
  })

  it('invalidate makes the next read go to the inner store', async () => {
    await cached.put('k', bytes('old'))
    await inner.put('k', bytes('new'))
    expect(await cached.get('k')).toEqual(bytes('old'))
    cached.invalidate('k')
    expect(await cached.get('k')).toEqual(bytes('new'))
    expect(cached.stats()).toMatchObject({ hits: 1, misses: 1 })
  })

  it('lists from the inner store', async () => {
    await cached.put('a/1', bytes('cached'))
    await inner.put('a/2', bytes('only inner'))
    const keys: string[] = []
    for await (const [key] of cached.list('a/')) keys.push(key)
    expect(keys).toEqual(['a/1', 'a/2'])
  })

  it('forgets a key whose inner write failed', async () => {
    const failing: KVStore = { ...inner, put: async () => { throw new StorageError('disk full') } }
    const store = createCachedStore(failing, { maxEntries: 3, ttlMs: 1000, now: () => clock })
    await store.open()
    await inner.put('k', bytes('old'))
    expect(await store.get('k')).toEqual(bytes('old'))
    await expect(store.put('k', bytes('new'))).rejects.toThrow('disk full')
    await inner.put('k', bytes('what the disk holds'))
    expect(await store.get('k')).toEqual(bytes('what the disk holds'))
  })

  it('does not cache a read that a write overtook', async () => {
    await inner.put('k', bytes('old'))
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => { release = resolve })
    const slow: KVStore = {
      ...inner,
      get: async (key, options) => {
        const value = await inner.get(key, options)
        await gate
        return value
      }
    }
    const store = createCachedStore(slow, { maxEntries: 3, ttlMs: 1000, now: () => clock })
    await store.open()
    const staleRead = store.get('k')
    await store.put('k', bytes('new'))
    release()
    expect(await staleRead).toEqual(bytes('old'))
    expect(await store.get('k')).toEqual(bytes('new'))
  })

  it('serves nothing from the cache once closed, and forgets it on reopen', async () => {
    await cached.put('k', bytes('v'))
    await cached.close()
    await expect(cached.get('k')).rejects.toThrow(StorageError)
    await cached.open()
    expect(cached.stats().size).toBe(0)
    await inner.put('k', bytes('changed while closed'))
    expect(await cached.get('k')).toEqual(bytes('changed while closed'))
  })

  it('rejects bad options', () => {
    const store = createMemoryStore()
    expect(() => createCachedStore(store, { maxEntries: 0, ttlMs: 1000 })).toThrow(UsageError)
    expect(() => createCachedStore(store, { maxEntries: 2.5, ttlMs: 1000 })).toThrow(UsageError)
    expect(() => createCachedStore(store, { maxEntries: 1, ttlMs: 0 })).toThrow(UsageError)
    expect(() => createCachedStore(store, { maxEntries: 1, ttlMs: Number.NaN })).toThrow(UsageError)
    expect(() => createCachedStore(store, { maxEntries: 1, ttlMs: Infinity })).not.toThrow()
  })
})
