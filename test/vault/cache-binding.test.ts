import { describe, expect, it } from 'vitest'
import { bindCacheToNetwork } from '../../src/browser-cache.ts'
import { utf8Encode } from '../../src/encoding/bytes.ts'
import { createMemoryStore } from '../../src/store/memory.ts'

// Issue 10 finding 10: another network's decrypted cache stayed readable and
// showed up in search. A browser peer binds its cache to its network first.
describe('bindCacheToNetwork', () => {
  it('keeps the cache of its own network and empties one another network filled', async () => {
    const cache = createMemoryStore()
    expect(await bindCacheToNetwork(cache, 'network-A')).toEqual({ cleared: 0 })
    await cache.put('context/ucxl://a/secret', utf8Encode('{"item":"of A"}'))
    expect(await bindCacheToNetwork(cache, 'network-A')).toEqual({ cleared: 0 })
    expect(await cache.get('context/ucxl://a/secret')).toBeDefined()
    const result = await bindCacheToNetwork(cache, 'network-B')
    expect(result.cleared).toBe(2) // the entry and the old owner mark
    expect(await cache.get('context/ucxl://a/secret')).toBeUndefined()
    const left: string[] = []
    for await (const [key] of cache.list('')) left.push(key)
    expect(left).toEqual(['owner/network'])
  })

  it('empties a cache that names no network (filled before caches were bound)', async () => {
    const cache = createMemoryStore()
    await cache.open()
    await cache.put('context/ucxl://old/x', utf8Encode('{}'))
    expect((await bindCacheToNetwork(cache, 'network-A')).cleared).toBe(1)
  })
})
