import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { NetworkError } from '../../src/errors.ts'
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse } from '../../src/net/record-messages.ts'
import type { RecordRequest, RecordResponse } from '../../src/net/record-messages.ts'

const key = fc.string({ maxLength: 80 })
const record = fc.uint8Array({ maxLength: 300 })
const request: fc.Arbitrary<RecordRequest> = fc.oneof(
  key.map(key => ({ op: 'get' as const, key })),
  fc.tuple(key, record).map(([key, record]) => ({ op: 'put' as const, key, record })),
  fc.tuple(key, record).map(([key, record]) => ({ op: 'put' as const, key, record, ifNewest: true as const }))
)
const response: fc.Arbitrary<RecordResponse> = fc.record({
  status: fc.constantFrom('ok', 'rejected', 'failed'),
  code: fc.string({ maxLength: 64 }),
  message: fc.string({ maxLength: 512 }),
  outcome: fc.constantFrom('', 'stored', 'replaced', 'sibling', 'duplicate'),
  siblings: fc.nat(1024),
  records: fc.array(record, { maxLength: 5 })
})

describe('record protocol messages', () => {
  it('round-trip every request and response, conditional puts included', () => {
    fc.assert(fc.property(request, response, (req, res) => {
      expect(decodeRequest(encodeRequest(req))).toEqual(req)
      expect(decodeResponse(encodeResponse(res))).toEqual(res)
    }), { numRuns: 500 })
  })

  it('reject malformed bytes with NetworkError only', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), request, fc.nat(), (bytes, req, cut) => {
      const valid = encodeRequest(req)
      for (const input of [bytes, valid.subarray(0, cut % Math.max(1, valid.length)), Uint8Array.of(...valid, 0)]) {
        for (const decode of [decodeRequest, decodeResponse]) {
          try {
            decode(input)
          } catch (error) {
            expect(error).toBeInstanceOf(NetworkError)
          }
        }
      }
    }), { numRuns: 500 })
  })
})
