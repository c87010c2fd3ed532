import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeEntry } from '../../src/audit/entry.ts'
import { AuditLog } from '../../src/audit/log.ts'
import { MemoryTree, verifyConsistency } from '../../src/audit/merkle.ts'
import { toHex } from '../../src/encoding/bytes.ts'
import { InvalidRecordError, UsageError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { createTestNetwork } from '../helpers/network.ts'

async function openStore (): Promise<KVStore> {
  const store = createMemoryStore()
  await store.open()
  return store
}

function clock (): () => number {
  let now = 1_700_000_000_000
  return () => now++
}

describe('the audit log in a KVStore', () => {
  it('commits entries in order and proves them as a tree in memory does, before and after a restart', async () => {
    await fc.assert(fc.asyncProperty(fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 6 }), fc.nat(), async (batches, seed) => {
      const store = await openStore()
      const now = clock()
      let log = new AuditLog({ store, now })
      await log.open()
      const reference = new MemoryTree()
      let n = 0
      for (const [i, count] of batches.entries()) {
        for (let j = 0; j < count; j++) {
          log.append({ kind: 'stored', key: `/slurp/ucxl/key-${n++}`, origin: 'member' })
        }
        await log.flush()
        if (i % 2 === 1) {
          // A restart: a new log object over the same store.
          await log.close()
          log = new AuditLog({ store, now })
          await log.open()
        }
      }
      const entries = []
      for (let from = 0; from < log.size; from += 7) entries.push(...await log.entries(from, 7))
      expect(entries.map(entry => entry.index)).toEqual([...Array(n).keys()])
      for (const { data } of entries) reference.append(data)
      expect(entries.map(({ data }) => (decodeEntry(data) as { key: string }).key)).toEqual([...Array(n).keys()].map(i => `/slurp/ucxl/key-${i}`))
      expect(log.size).toBe(n)
      expect(toHex(await log.root())).toBe(toHex(await reference.root()))
      if (n === 0) return
      const size = 1 + (seed % n)
      const index = seed % size
      const first = seed % (size + 1)
      expect((await log.inclusionProof(index, size)).map(toHex)).toEqual((await reference.inclusionProof(index, size)).map(toHex))
      const proof = await log.consistencyProof(first, size)
      expect(proof.map(toHex)).toEqual((await reference.consistencyProof(first, size)).map(toHex))
      expect(verifyConsistency(first, size, await log.root(first), await log.root(size), proof)).toBe(true)
    }), { numRuns: 40 })
  })

  it('keeps appends made while a batch is written, and the time they were made', async () => {
    const store = await openStore()
    const log = new AuditLog({ store, now: clock() })
    log.append({ kind: 'policy', version: 1 }) // before open: queued
    await log.open()
    for (let i = 0; i < 3000; i++) log.append({ kind: 'cleaned-up', key: `k${i}` })
    await log.flush()
    expect(log.size).toBe(3001)
    expect(log.queued).toBe(0)
    const [first, second] = (await log.entries(0, 2)).map(entry => decodeEntry(entry.data))
    expect(first).toEqual({ kind: 'policy', version: 1, time: 1_700_000_000_000 })
    expect(second).toEqual({ kind: 'cleaned-up', key: 'k0', time: 1_700_000_000_001 })
  })

  it('refuses what it cannot log or prove, with named errors', async () => {
    const log = new AuditLog({ store: await openStore() })
    await log.open()
    expect(() => { log.append({ kind: 'rejected', key: 'k', origin: 'member', code: 'lower case' }) }).toThrow(InvalidRecordError)
    expect(log.queued).toBe(0)
    log.append({ kind: 'stored', key: 'k', origin: 'replica' })
    await log.flush()
    await expect(log.inclusionProof(1, 1)).rejects.toThrow(UsageError)
    await expect(log.consistencyProof(0, 2)).rejects.toThrow(UsageError)
    await expect(log.entries(0, 5000)).rejects.toThrow(UsageError)
    expect(await log.entries(5, 10)).toEqual([])
  })

  it('lives beside the records without the keeper ever listing it', async () => {
    const network = await createTestNetwork()
    const store = await openStore()
    const log = new AuditLog({ store })
    await log.open()
    for (let i = 0; i < 10; i++) log.append({ kind: 'stored', key: `/slurp/ucxl/${i}`, origin: 'member' })
    await log.flush()
    expect(log.size).toBe(10)
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    const keys: string[] = []
    for await (const key of keeper.keys()) keys.push(key)
    expect(keys).toEqual([])
    expect((await keeper.digests()).size).toBe(0)
    expect(await keeper.count()).toBe(0)
  })
})
