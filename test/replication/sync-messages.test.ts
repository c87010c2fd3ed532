import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/errors.ts'
import {
  MAX_KEYS_PER_REQUEST, batchBySize, batchRecordSets, decodeEntries, decodeRecordSets, decodeStoreResults, decodeSummary, decodeSyncRequest,
  encodeRecordSets, encodeStoreResults, encodeSyncRequest
} from '../../src/replication/sync-messages.ts'
import type { RecordSet, SyncRequest } from '../../src/replication/sync-messages.ts'

const key = fc.string({ minLength: 1, maxLength: 60 })
const record = fc.uint8Array({ minLength: 1, maxLength: 300 })
const recordSet: fc.Arbitrary<RecordSet> = fc.tuple(key, fc.array(record, { maxLength: 4 }))
const request: fc.Arbitrary<SyncRequest> = fc.oneof(
  fc.constant({ op: 'summary' as const }),
  fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { maxLength: 64 }).map(buckets => ({ op: 'ownedEntries' as const, buckets })),
  fc.array(key, { maxLength: 20 }).map(keys => ({ op: 'digestsOf' as const, keys })),
  fc.array(key, { maxLength: 20 }).map(keys => ({ op: 'recordsOf' as const, keys })),
  fc.array(recordSet, { maxLength: 8 }).map(sets => ({ op: 'store' as const, sets }))
)

describe('sync messages', () => {
  it('round-trip every request, record sets and store results', () => {
    fc.assert(fc.property(request, fc.array(recordSet, { maxLength: 8 }), fc.array(fc.tuple(key, fc.constantFrom('', 'ERR_INVALID_SIGNATURE', 'ERR_STALE_RECORD'))), (req, sets, results) => {
      expect(decodeSyncRequest(encodeSyncRequest(req))).toEqual(req)
      expect(decodeRecordSets(encodeRecordSets(sets))).toEqual(sets)
      expect(decodeStoreResults(encodeStoreResults(results))).toEqual(new Map(results))
    }), { numRuns: 300 })
  })

  it('reject malformed bytes with NetworkError only', () => {
    const decoders = [decodeSyncRequest, decodeRecordSets, decodeStoreResults, decodeSummary, decodeEntries]
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), request, fc.nat(), (bytes, req, cut) => {
      const valid = encodeSyncRequest(req)
      for (const input of [bytes, valid.subarray(0, cut % Math.max(1, valid.length)), Uint8Array.of(...valid, 0)]) {
        for (const decode of decoders) {
          try {
            decode(input)
          } catch (error) {
            expect(error).toBeInstanceOf(NetworkError)
          }
        }
      }
    }), { numRuns: 500 })
  })

  it('batches record sets under the byte budget and the key limit, in order, none lost', () => {
    fc.assert(fc.property(fc.array(recordSet, { maxLength: 40 }), fc.integer({ min: 64, max: 2048 }), (sets, budget) => {
      const batches = batchRecordSets(sets, budget)
      expect(batches.flat()).toEqual(sets)
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0)
        expect(batch.length).toBeLessThanOrEqual(MAX_KEYS_PER_REQUEST)
        const size = batch.reduce((sum, [k, records]) => sum + records.reduce((s, r) => s + r.length + 8, k.length + 8), 0)
        // Only a set larger than the budget on its own may exceed it, alone.
        if (batch.length > 1) expect(size).toBeLessThanOrEqual(budget)
      }
    }), { numRuns: 300 })
  })

  it('groups items by size: in order, none lost, within the budget and the count unless alone', () => {
    fc.assert(fc.property(fc.array(fc.nat(100), { maxLength: 60 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 10 }), (sizes, budget, maxItems) => {
      const batches = batchBySize(sizes, size => size, budget, maxItems)
      expect(batches.flat()).toEqual(sizes)
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0)
        expect(batch.length).toBeLessThanOrEqual(maxItems)
        if (batch.length > 1) expect(batch.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget)
      }
      // Greedy: each batch but the last was closed because the next item did not fit.
      for (let i = 0; i + 1 < batches.length; i++) {
        const batch = batches[i] as number[]
        const next = (batches[i + 1] as number[])[0] as number
        expect(batch.length === maxItems || batch.reduce((a, b) => a + b, 0) + next > budget).toBe(true)
      }
    }), { numRuns: 300 })
  })
})
