import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidRaftMessageError } from '../../src/errors.ts'
import { decodeMessage, encodeMessage } from '../../src/raft/message-codec.ts'
import type { RaftMessage } from '../../src/raft/types.ts'

const id = fc.constantFrom('n1', 'n2', '12D3KooWabc')
const index = fc.nat(1_000_000)
const head = fc.record({ from: id, to: id, term: fc.integer({ min: 5, max: 100 }) })
const stamp = fc.double({ min: -1e9, max: 1e9, noNaN: true }).map(value => value + 0) // JSON has no -0

const message: fc.Arbitrary<RaftMessage> = fc.oneof(
  fc.record({ type: fc.constant('vote' as const), pre: fc.boolean(), lastLogIndex: index, lastLogTerm: index }).chain(rest => head.map(h => ({ ...h, ...rest }))),
  fc.record({ type: fc.constant('vote-reply' as const), pre: fc.boolean(), granted: fc.boolean() }).chain(rest => head.map(h => ({ ...h, ...rest }))),
  fc.tuple(head, index, fc.array(fc.option(fc.jsonValue(), { nil: undefined }), { maxLength: 5 }), index, stamp).map(([h, prevLogIndex, commands, leaderCommit, s]) => ({
    ...h,
    type: 'append' as const,
    prevLogIndex,
    prevLogTerm: h.term - 1,
    entries: commands.map((command, i) => command === undefined ? { index: prevLogIndex + 1 + i, term: h.term } : { index: prevLogIndex + 1 + i, term: h.term, command: JSON.parse(JSON.stringify(command)) as unknown }),
    leaderCommit,
    stamp: s
  })),
  fc.tuple(head, index, fc.uint8Array({ maxLength: 64 }), stamp).map(([h, lastIndex, data, s]) => ({ ...h, type: 'snapshot' as const, snapshot: { lastIndex, lastTerm: h.term, data }, stamp: s })),
  fc.tuple(head, fc.boolean(), index, fc.option(index, { nil: undefined }), fc.option(index, { nil: undefined }), stamp).map(([h, success, matchIndex, conflictIndex, conflictTerm, s]) => ({
    ...h,
    type: 'append-reply' as const,
    success,
    matchIndex,
    stamp: s,
    ...(conflictIndex === undefined ? {} : { conflictIndex }),
    ...(conflictTerm === undefined ? {} : { conflictTerm })
  }))
)

describe('raft message codec', () => {
  it('decodes what it encodes', () => {
    fc.assert(fc.property(message, value => {
      expect(decodeMessage(encodeMessage(value))).toEqual(value)
    }), { numRuns: 300 })
  })

  it('refuses malformed messages with a named error, never anything else', () => {
    const encoder = new TextEncoder()
    const bad = [
      'not json', '[]', '{"type":"vote"}', '{"type":"bogus","from":"a","to":"b","term":1}',
      '{"type":"append","from":"a","to":"b","term":1,"prevLogIndex":3,"prevLogTerm":1,"entries":[{"index":5,"term":1}],"leaderCommit":0,"stamp":0}',
      '{"type":"append","from":"a","to":"b","term":1,"prevLogIndex":0,"prevLogTerm":0,"entries":[{"index":1,"term":2}],"leaderCommit":0,"stamp":0}',
      '{"type":"vote-reply","from":"a","to":"b","term":-1,"pre":false,"granted":true}',
      '{"type":"snapshot","from":"a","to":"b","term":1,"snapshot":{"lastIndex":1,"lastTerm":1,"data":"!!"},"stamp":0}'
    ]
    for (const text of bad) expect(() => decodeMessage(encoder.encode(text)), text).toThrow(InvalidRaftMessageError)
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), bytes => {
      try {
        decodeMessage(bytes)
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidRaftMessageError)
      }
    }))
  })
})
