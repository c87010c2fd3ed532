import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFoundError, UsageError } from '../../src/errors.ts'
import type { BatchProgress } from '../../src/peer/batch.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

describe('getMany', { timeout: 60_000 }, () => {
  let relays: RelayNode[]
  let writer: SlurpPeer
  let reader: SlurpPeer
  const addresses = Array.from({ length: 20 }, (_, i) => `ucxl://b:backend_developer@many:t/item-${String(i).padStart(2, '0')}`)

  beforeAll(async () => {
    const network = await createTestNetwork()
    relays = await startRelays(network, 3)
    writer = await startPeer(network, relays, ['backend_developer'])
    reader = await startPeer(network, relays, ['backend_developer'])
    const written = await writer.putMany(addresses.map((address, i) => ({ address, draft: { summary: `item ${i}` }, as: 'backend_developer' })))
    expect(written.failed).toEqual([])
  })
  afterAll(async () => {
    await reader.stop()
    await writer.stop()
    for (const relay of relays) await relay.stop()
  })

  it('reads every address, in order, and reports each one it could not read with its error, never dropping it', async () => {
    const missing = 'ucxl://b:backend_developer@many:t/never-written'
    const asked = [...addresses.slice(0, 10), missing, ...addresses.slice(10)]
    const progress: BatchProgress[] = []
    const result = await reader.getMany(asked, { concurrency: 6, onProgress: step => progress.push(step) })
    expect(result.aborted).toBe(false)
    expect(result.unfinished).toEqual([])
    expect(result.found.map(found => found.item.address)).toEqual(addresses)
    expect(result.found.map(found => found.index)).toEqual([...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => i + 11)])
    expect(result.failed).toHaveLength(1)
    expect(result.failed[0]).toMatchObject({ index: 10, address: missing })
    expect(result.failed[0]?.error).toBeInstanceOf(NotFoundError)
    expect(progress).toHaveLength(21)
    expect(progress.at(-1)).toMatchObject({ done: 21, failed: 1, total: 21 })
    expect(progress.filter(step => step.error !== undefined).map(step => step.index)).toEqual([10])
  })

  it('stops midway on abort, reports what it read and what it did not, and the rest read afterwards completes it', async () => {
    const controller = new AbortController()
    // One at a time, stopped from inside the seventh report: exactly seven are read.
    const first = await reader.getMany(addresses, { concurrency: 1, signal: controller.signal, onProgress: step => { if (step.done === 7) controller.abort() } })
    expect(first.aborted).toBe(true)
    expect(first.failed).toEqual([])
    expect(first.found.map(found => found.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(first.unfinished).toEqual(Array.from({ length: 13 }, (_, i) => i + 7))
    // Resume: only the unfinished addresses.
    const rest = await reader.getMany(first.unfinished.map(index => addresses[index] as string), { concurrency: 4 })
    expect(rest.aborted).toBe(false)
    expect([...first.found, ...rest.found].map(found => found.item.summary)).toEqual(addresses.map((_, i) => `item ${i}`))
  })

  it('with many in flight, an abort leaves every address accounted for exactly once', async () => {
    const controller = new AbortController()
    const result = await reader.getMany(addresses, { concurrency: 8, signal: controller.signal, onProgress: step => { if (step.done === 3) controller.abort() } })
    expect(result.aborted).toBe(true)
    const seen = [...result.found.map(found => found.index), ...result.failed.map(failure => failure.index), ...result.unfinished].sort((a, b) => a - b)
    expect(seen).toEqual(addresses.map((_, i) => i))
    expect(result.found.length).toBeGreaterThanOrEqual(3)
  })

  it('reads as one role when asked, and refuses a concurrency that is not a whole number', async () => {
    const result = await reader.getMany(addresses.slice(0, 2), { as: 'backend_developer' })
    expect(result.found.every(found => found.meta.readAs === 'backend_developer')).toBe(true)
    await expect(reader.getMany(addresses, { concurrency: 0 })).rejects.toBeInstanceOf(UsageError)
  })
})
