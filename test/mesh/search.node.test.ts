import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

describe('search over a whole project', { timeout: 60_000 }, () => {
  let network: TestNetwork
  let relays: RelayNode[]
  let writer: SlurpPeer
  let base: string
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'slurp-search-'))
    network = await createTestNetwork()
    relays = await startRelays(network, 3)
    writer = await startPeer(network, relays, ['backend_developer'])
    await writer.putMany(Array.from({ length: 30 }, (_, i) => ({
      address: `ucxl://find/src/module-${i}.ts`,
      draft: { summary: i === 7 ? 'retries relay writes with backoff' : `module ${i}`, body: i === 7 ? 'When a relay refuses with ERR_QUOTA_EXCEEDED the writer waits and retries.' : 'nothing special', tags: i % 2 === 0 ? ['even'] : ['odd'] },
      as: 'backend_developer'
    })))
    await writer.flushDirectory()
  })
  afterAll(async () => {
    await writer.stop()
    for (const relay of relays) await relay.stop()
    await rm(base, { recursive: true, force: true })
  })

  it('reads a project a fresh device never opened, then finds in it with snippets and facets, and keeps the index across restarts', async () => {
    const store = (): ReturnType<typeof createLevelStore> => createLevelStore({ path: join(base, 'reader-cache') })
    const reader = await startPeer(network, relays, ['backend_developer'], { cache: store() })
    try {
      expect((await reader.find({ text: 'backoff' })).total).toBe(0)
      const progress: number[] = []
      const report = await reader.followProject('find', { onProgress: step => progress.push(step.done) })
      expect(report).toEqual({ listed: 30, read: 30, failed: 0, unread: 0 })
      expect(progress.at(-1)).toBe(30)
      const found = await reader.find({ text: 'retri backof' })
      expect(found.hits.map(hit => hit.result.item.address)).toEqual(['ucxl://find/src/module-7.ts'])
      expect(found.hits[0]?.snippet?.parts.filter(part => part.match).map(part => part.text)).toEqual(['retries', 'backoff'])
      expect((await reader.find({ project: 'find' })).facets.tags).toEqual({ even: 15, odd: 15 })
      expect((await reader.followProject('find')).read).toBe(0)
    } finally {
      await reader.stop()
    }
    // Another run on the same device: the index comes back from the cache's store, no relay read needed.
    const again = await startPeer(network, relays, ['backend_developer'], { cache: store() })
    try {
      expect((await again.find({ text: 'quota', tags: ['odd'] })).hits.map(hit => hit.result.item.address)).toEqual(['ucxl://find/src/module-7.ts'])
    } finally {
      await again.stop()
    }
  })
})
