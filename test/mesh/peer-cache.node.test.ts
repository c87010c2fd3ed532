import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccessDeniedError, NetworkError } from '../../src/errors.ts'
import type { SlurpPeer, UpdateDetail } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
let relays: RelayNode[]
let writer: SlurpPeer
let reader: SlurpPeer

beforeAll(async () => {
  relays = await startRelays(network, 3)
  writer = await startPeer(network, relays, ['backend_developer', 'senior_architect'])
  reader = await startPeer(network, relays, ['senior_architect'], { offlineReads: true, cache: createMemoryStore() })
  await writer.put('ucxl://alpha/src/main.go', { summary: 'Entry point of the API', tags: ['http'], body: 'Starts the server' }, { as: 'backend_developer' })
  await writer.put('ucxl://alpha/docs/adr-1', { summary: 'Use LevelDB for relays' }, { as: 'senior_architect', type: 'decision' })
  await writer.put('ucxl://beta/readme', { summary: 'Beta project overview' }, { as: 'backend_developer' })
}, 60_000)

afterAll(async () => {
  await Promise.all([writer, reader].map(async p => await p?.stop()))
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

describe('a peer\'s decrypted cache: search, updates, offline reads, forgetting', () => {
  it('searches only what it has read, by text and by fields', async () => {
    expect(await reader.search({ text: 'entry' })).toEqual([])
    for (const address of ['ucxl://alpha/src/main.go', 'ucxl://alpha/docs/adr-1', 'ucxl://beta/readme']) await reader.get(address)
    expect((await reader.search({ text: 'ENTRY server' })).map(r => r.item.address)).toEqual(['ucxl://alpha/src/main.go'])
    expect((await reader.search({ project: 'alpha' })).map(r => r.item.address).sort()).toEqual(['ucxl://alpha/docs/adr-1', 'ucxl://alpha/src/main.go'])
    expect((await reader.search({ type: 'decision' })).map(r => r.item.address)).toEqual(['ucxl://alpha/docs/adr-1'])
    expect((await reader.search({ role: 'backend_developer', project: 'beta' })).map(r => r.item.address)).toEqual(['ucxl://beta/readme'])
    expect(await reader.search({ since: Date.now() + 60_000 })).toEqual([])
    expect(await reader.search({ text: 'http' })).toHaveLength(1)
  })

  it('fires "update" when a read finds a newer version, and not when nothing changed', async () => {
    const seen: string[] = []
    const listener = (event: Event): void => { seen.push((event as CustomEvent<UpdateDetail>).detail.result.item.summary) }
    reader.addEventListener('update', listener)
    await reader.get('ucxl://alpha/src/main.go')
    expect(seen).toEqual([])
    await writer.put('ucxl://alpha/src/main.go', { summary: 'Entry point, now with TLS' }, { as: 'backend_developer' })
    await reader.get('ucxl://alpha/src/main.go')
    expect(seen).toEqual(['Entry point, now with TLS'])
    expect((await reader.cached('ucxl://alpha/src/main.go'))?.item.summary).toBe('Entry point, now with TLS')
    reader.removeEventListener('update', listener)
  })

  it('forgets what one role decrypted, and everything', async () => {
    const other = await startPeer(network, relays, ['backend_developer', 'senior_architect'], { cache: createMemoryStore() })
    try {
      await other.get('ucxl://alpha/docs/adr-1', { as: 'senior_architect' })
      await other.get('ucxl://beta/readme', { as: 'backend_developer' })
      expect(await other.forget({ readAs: 'senior_architect' })).toBe(1)
      expect(await other.cached('ucxl://alpha/docs/adr-1')).toBeUndefined()
      expect(await other.cached('ucxl://beta/readme')).toBeDefined()
      expect(await other.forget()).toBe(1)
      expect(await other.search()).toEqual([])
    } finally {
      await other.stop()
    }
  })

  it('drops cached entries older than its TTL', async () => {
    const shortLived = await startPeer(network, relays, ['senior_architect'], { cacheTtlMs: 1, cache: createMemoryStore() })
    try {
      await shortLived.get('ucxl://alpha/docs/adr-1')
      await new Promise(resolve => setTimeout(resolve, 10))
      expect(await shortLived.cached('ucxl://alpha/docs/adr-1')).toBeUndefined()
      expect(await shortLived.search()).toEqual([])
    } finally {
      await shortLived.stop()
    }
  })

  it('serves the cached copy, flagged offline, when no relay answers; never what it could not read', async () => {
    const observer = await startPeer(network, relays, ['observer'], { offlineReads: true, cache: createMemoryStore() })
    await expect(observer.get('ucxl://alpha/src/main.go')).rejects.toThrow(AccessDeniedError)
    await Promise.all(relays.map(async r => await r.stop()))
    try {
      const offline = await reader.get('ucxl://alpha/docs/adr-1')
      expect(offline.offline).toBe(true)
      expect(offline.item.summary).toBe('Use LevelDB for relays')
      await expect(reader.get('ucxl://never/read')).rejects.toThrow(NetworkError)
      await expect(observer.get('ucxl://alpha/src/main.go')).rejects.toThrow(NetworkError)
    } finally {
      await observer.stop()
    }
  })
})
