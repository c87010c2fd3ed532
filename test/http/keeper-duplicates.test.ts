import { describe, expect, it } from 'vitest'
import { InvalidRecordError, InvalidSignatureError, SlurpError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])

/** A memory store that counts reads, to see what a put read before refusing. */
async function countingStore (): Promise<{ store: KVStore, reads: () => number }> {
  const store = createMemoryStore()
  await store.open()
  let reads = 0
  const get = store.get.bind(store)
  store.get = async (...args) => { reads++; return await get(...args) }
  return { store, reads: () => reads }
}

describe('record keeper duplicates and validation order', () => {
  it('answers a byte-identical copy of a stored record as a duplicate and stores nothing new', async () => {
    const { store } = await countingStore()
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    const record = await writeRecord(network, member, 'ucxl://project123/keeper/duplicates', 'v1')
    expect(await keeper.put(record.key, record.bytes)).toEqual({ outcome: 'stored', siblings: 1 })
    for (let i = 0; i < 3; i++) expect(await keeper.put(record.key, record.bytes.slice())).toEqual({ outcome: 'duplicate', siblings: 1 })
    expect(keeper.stats.stored).toBe(1)
    // Same signature over other bytes, or another signature: not a copy, and refused.
    const altered = record.bytes.slice()
    altered[altered.length >> 1] = (altered[altered.length >> 1] as number) ^ 0x01
    await expect(keeper.put(record.key, altered)).rejects.toBeInstanceOf(SlurpError)
    await expect(keeper.put(record.key, tamper(record.bytes))).rejects.toThrow(InvalidSignatureError)
    expect(await keeper.get(record.key)).toEqual([record.bytes])
  })

  // Issue 10 finding 7: every put, even 100 garbage bytes, read and decoded the
  // whole stored sibling set before validating. Garbage and forgeries must be
  // refused without reading what the key holds.
  it('refuses garbage and forged records without reading what the key holds', async () => {
    const { store, reads } = await countingStore()
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    const record = await writeRecord(network, member, 'ucxl://project123/keeper/amplification', 'held')
    await keeper.put(record.key, record.bytes)
    const before = reads()
    await expect(keeper.put(record.key, crypto.getRandomValues(new Uint8Array(100)))).rejects.toThrow(InvalidRecordError)
    const forged = await writeRecord(network, member, 'ucxl://project123/keeper/amplification', 'forged', record.envelope.clock)
    await expect(keeper.put(record.key, tamper(forged.bytes))).rejects.toThrow(InvalidSignatureError)
    expect(reads()).toBe(before)
  })
})
