import { describe, expect, it } from 'vitest'
import { NetworkError, ReplicationError, WriteNotAllowedError } from '../../src/errors.ts'
import { Outbox } from '../../src/outbox/outbox.ts'
import type { PutOptions, PutResult } from '../../src/peer/types.ts'
import type { ContextDraft } from '../../src/record/context-item.ts'
import { createMemoryStore } from '../../src/store/memory.ts'

function result (address: string): PutResult {
  return { address, key: 'k', version: {}, replicas: 3, target: 3 }
}

describe('the outbox', () => {
  it('queues only network failures, keeps writes across reopening, and sends them in order when relays are back', async () => {
    expect(Outbox.shouldQueue(new NetworkError('no relay'))).toBe(true)
    expect(Outbox.shouldQueue(new ReplicationError('none stored it', 0, 2))).toBe(true)
    expect(Outbox.shouldQueue(new ReplicationError('one stored it', 1, 2))).toBe(false)
    expect(Outbox.shouldQueue(new WriteNotAllowedError('no'))).toBe(false)

    const store = createMemoryStore()
    await store.open()
    let clock = 1000
    const outbox = new Outbox(store, () => clock++)
    await outbox.add('ucxl://p/a', { summary: 'first' }, { as: 'backend_developer' })
    await outbox.add('ucxl://p/b', { summary: 'second' }, { as: 'backend_developer', type: 'task' })
    await outbox.add('ucxl://p/c', { summary: 'third' }, { as: 'observer' })
    // Another tab or a reload reads the same store.
    expect((await new Outbox(store).pending()).map(write => write.address)).toEqual(['ucxl://p/a', 'ucxl://p/b', 'ucxl://p/c'])

    const calls: string[] = []
    let online = false
    const peer = {
      put: async (address: string, _draft: ContextDraft, options: PutOptions): Promise<PutResult> => {
        calls.push(`${address} ${options.as} ${options.type ?? ''}`.trim())
        if (!online) throw new NetworkError('no relay reachable')
        if (options.as === 'observer') throw new WriteNotAllowedError('observer may not write')
        return result(address)
      }
    }
    expect(await outbox.send(peer)).toEqual({ sent: 0, failed: [] })
    expect(calls).toEqual(['ucxl://p/a backend_developer'])
    expect(await outbox.pending()).toHaveLength(3)

    online = true
    const round = await outbox.send(peer)
    expect(round.sent).toBe(2)
    expect(round.failed.map(failure => [failure.write.address, (failure.error as Error).name])).toEqual([['ucxl://p/c', 'WriteNotAllowedError']])
    expect(calls.slice(1)).toEqual(['ucxl://p/a backend_developer', 'ucxl://p/b backend_developer task', 'ucxl://p/c observer'])
    expect(await outbox.pending()).toEqual([])
  })
})
