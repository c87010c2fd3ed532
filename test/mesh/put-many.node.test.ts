import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WriteNotAllowedError } from '../../src/errors.ts'
import type { PutManyProgress } from '../../src/peer/put-many.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

describe('putMany', { timeout: 60_000 }, () => {
  let relays: RelayNode[]
  let peer: SlurpPeer
  beforeAll(async () => {
    const network = await createTestNetwork()
    relays = await startRelays(network, 3)
    peer = await startPeer(network, relays, ['backend_developer'])
  })
  afterAll(async () => {
    await peer.stop()
    for (const relay of relays) await relay.stop()
  })

  it('pipelines writes, keeps one address\'s writes in order, reports each refusal and every step', async () => {
    const items = [
      ...Array.from({ length: 40 }, (_, i) => ({ address: `ucxl://b:backend_developer@bulk:t/item-${i}`, draft: { summary: `item ${i}` }, as: 'backend_developer' })),
      // Three versions of one address: the last one listed wins.
      ...[1, 2, 3].map(n => ({ address: 'ucxl://b:backend_developer@bulk:t/same', draft: { summary: `version ${n}` }, as: 'backend_developer' })),
      { address: 'ucxl://b:backend_developer@bulk:t/decision', draft: { summary: 'not allowed' }, as: 'backend_developer', type: 'decision' as const }
    ]
    const progress: PutManyProgress[] = []
    const result = await peer.putMany(items, { concurrency: 8, onProgress: step => progress.push(step) })
    expect(result.stored).toHaveLength(43)
    expect(result.stored.every(stored => stored.replicas >= 2)).toBe(true)
    expect(result.failed).toHaveLength(1)
    expect(result.failed[0]?.index).toBe(43)
    expect(result.failed[0]?.error).toBeInstanceOf(WriteNotAllowedError)
    expect(progress).toHaveLength(44)
    expect(progress.at(-1)).toMatchObject({ done: 44, failed: 1, total: 44 })
    // Every item is reported once, by index, the refused one with its error.
    expect(progress.map(step => step.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 44 }, (_, i) => i))
    expect(progress.find(step => step.index === 43)?.error).toBeInstanceOf(WriteNotAllowedError)
    expect(result.stored.map(stored => stored.index)).toEqual(Array.from({ length: 43 }, (_, i) => i))
    expect(result.aborted).toBe(false)
    expect((await peer.get('ucxl://b:backend_developer@bulk:t/same')).item.summary).toBe('version 3')
    expect((await peer.get('ucxl://b:backend_developer@bulk:t/item-39')).item.summary).toBe('item 39')
  })

  it('starts nothing once aborted, and says so', async () => {
    const controller = new AbortController()
    controller.abort()
    const result = await peer.putMany([{ address: 'ucxl://b:backend_developer@bulk:t/x', draft: { summary: 'x' }, as: 'backend_developer' }], { signal: controller.signal })
    expect(result).toEqual({ stored: [], failed: [], unfinished: [0], aborted: true })
  })

  it('stops midway on abort, reports what it wrote, and the unfinished items written again complete the batch', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ address: `ucxl://b:backend_developer@bulk:t/resume-${i}`, draft: { summary: `resume ${i}` }, as: 'backend_developer' }))
    const controller = new AbortController()
    // One at a time, stopped from inside the fifth report: exactly five are written.
    const first = await peer.putMany(items, { concurrency: 1, signal: controller.signal, onProgress: step => { if (step.done === 5) controller.abort() } })
    expect(first.aborted).toBe(true)
    expect(first.stored.map(stored => stored.index)).toEqual([0, 1, 2, 3, 4])
    expect(first.unfinished).toEqual([5, 6, 7, 8, 9, 10, 11])
    const second = await peer.putMany(first.unfinished.map(index => items[index] as typeof items[number]), { concurrency: 4 })
    expect(second).toMatchObject({ aborted: false, failed: [], unfinished: [] })
    expect(second.stored).toHaveLength(7)
    const read = await peer.getMany(items.map(item => item.address))
    expect(read.found.map(found => found.item.summary)).toEqual(items.map(item => item.draft.summary))
  })
})
