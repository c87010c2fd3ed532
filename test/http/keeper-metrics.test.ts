import { describe, expect, it } from 'vitest'
import { InvalidSignatureError, StaleRecordError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { GetObservation, KeeperMetrics, PutObservation } from '../../src/keeper/record-keeper.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
const address = 'ucxl://project123/metrics/keeper'

async function openKeeper (metrics?: KeeperMetrics): Promise<RecordKeeper> {
  const store = createMemoryStore()
  await store.open()
  return new RecordKeeper({
    store,
    validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }),
    ...(metrics === undefined ? {} : { metrics })
  })
}

describe('record keeper metrics hook', () => {
  it('reports every put with its outcome or rejection code, size and duration, and every get', async () => {
    const puts: PutObservation[] = []
    const gets: GetObservation[] = []
    const keeper = await openKeeper({ put: o => puts.push(o), get: o => gets.push(o) })
    const v1 = await writeRecord(network, member, address, 'v1')
    const v2 = await writeRecord(network, member, address, 'v2', v1.envelope.clock)
    await keeper.put(v1.key, v1.bytes)
    await keeper.put(v1.key, v1.bytes)
    await keeper.put(v2.key, v2.bytes)
    await expect(keeper.put(v1.key, v1.bytes)).rejects.toThrow(StaleRecordError)
    await expect(keeper.put(v1.key, tamper(v2.bytes))).rejects.toThrow(InvalidSignatureError)
    expect(puts.map(p => [p.outcome, p.code])).toEqual([
      ['stored', undefined], ['duplicate', undefined], ['replaced', undefined],
      ['rejected', 'ERR_STALE_RECORD'], ['rejected', 'ERR_INVALID_SIGNATURE']
    ])
    expect(puts.map(p => p.bytes)).toEqual([v1.bytes.length, v1.bytes.length, v2.bytes.length, v1.bytes.length, v2.bytes.length])
    for (const p of puts) expect(p.seconds).toBeGreaterThanOrEqual(0)
    expect(puts.every(p => p.seconds < 5)).toBe(true)
    await keeper.get(v1.key)
    await keeper.get('/slurp/ucxl/' + 'A'.repeat(43))
    expect(gets.map(g => g.records)).toEqual([1, 0])
  })

  it('can be attached after construction, and a throwing hook changes no answer', async () => {
    const keeper = await openKeeper()
    expect(keeper.metrics).toBeUndefined()
    const record = await writeRecord(network, member, address, 'hooked')
    keeper.metrics = { put: () => { throw new Error('broken hook') }, get: () => { throw new Error('broken hook') } }
    await expect(keeper.put(record.key, record.bytes)).resolves.toEqual({ outcome: 'stored', siblings: 1 })
    await expect(keeper.get(record.key)).resolves.toHaveLength(1)
    await expect(keeper.put(record.key, tamper(record.bytes))).rejects.toThrow(InvalidSignatureError)
    expect(keeper.stats.rejected).toEqual({ ERR_INVALID_SIGNATURE: 1 })
  })
})
