import { describe, expect, it } from 'vitest'
import { InvalidSignatureError, SlurpError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { ValidationContext } from '../../src/record/validator.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])

describe('record keeper duplicates', () => {
  it('answers a byte-identical copy of a stored record without verifying it again, and verifies anything else', async () => {
    const store = createMemoryStore()
    await store.open()
    let verifications = 0
    const keeper = new RecordKeeper({
      store,
      validation: (): ValidationContext => {
        verifications++
        return { rootPublicKey: network.root.publicKey, policy: network.policy }
      }
    })
    const record = await writeRecord(network, member, 'ucxl://project123/keeper/duplicates', 'v1')
    expect(await keeper.put(record.key, record.bytes)).toEqual({ outcome: 'stored', siblings: 1 })
    expect(verifications).toBe(1)
    for (let i = 0; i < 3; i++) expect(await keeper.put(record.key, record.bytes.slice())).toEqual({ outcome: 'duplicate', siblings: 1 })
    expect(verifications).toBe(1)
    // Same signature over other bytes, or another signature: not a copy, so verified, and refused.
    const altered = record.bytes.slice()
    altered[altered.length >> 1] = (altered[altered.length >> 1] as number) ^ 0x01
    await expect(keeper.put(record.key, altered)).rejects.toBeInstanceOf(SlurpError)
    await expect(keeper.put(record.key, tamper(record.bytes))).rejects.toThrow(InvalidSignatureError)
    expect(verifications).toBe(3)
    expect(await keeper.get(record.key)).toEqual([record.bytes])
  })
})
