import fc from 'fast-check'
import { describe, it } from 'vitest'
import { KVRaftStorage } from '../../src/raft/kv-storage.ts'
import { MemoryRaftStorage } from '../../src/raft/storage.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { checkAgainstModel, storageOps } from './storage-conformance.ts'

describe('raft storage', () => {
  it('memory storage keeps term, vote, log and snapshot as Raft §7 says', async () => {
    await fc.assert(fc.asyncProperty(storageOps, async ops => {
      const storage = new MemoryRaftStorage<number>()
      await checkAgainstModel(storage, async () => storage, ops)
    }), { numRuns: 200 })
  })

  it('KV storage does the same, and a new adapter on the same store loads it back', async () => {
    await fc.assert(fc.asyncProperty(storageOps, async ops => {
      const store = createMemoryStore()
      await store.open()
      await checkAgainstModel(new KVRaftStorage<number>(store, 'raft/'), async () => new KVRaftStorage<number>(store, 'raft/'), ops)
    }), { numRuns: 200 })
  })
})
