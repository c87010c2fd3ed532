import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, it } from 'vitest'
import { KVRaftStorage } from '../../src/raft/kv-storage.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { checkAgainstModel, storageOps } from './storage-conformance.ts'

let root = ''
let counter = 0
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'slurp-raft-')) })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

it('raft storage on LevelDB survives closing and reopening the database', async () => {
  await fc.assert(fc.asyncProperty(storageOps, async ops => {
    const path = join(root, `db-${counter++}`)
    const store = createLevelStore({ path })
    const again = createLevelStore({ path })
    await store.open()
    try {
      await checkAgainstModel(new KVRaftStorage<number>(store), async () => {
        await store.close()
        await again.open()
        return new KVRaftStorage<number>(again)
      }, ops)
    } finally {
      await store.close()
      await again.close()
    }
  }), { numRuns: 25 })
})
