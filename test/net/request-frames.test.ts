import { LengthPrefixedDecoder } from '@libp2p/utils'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CodecError } from '../../src/codec/reader.ts'
import { concatBytes } from '../../src/encoding/bytes.ts'
import { MAX_FRAME_ID, decodeFrame, encodeFrame } from '../../src/net/request-frames.ts'
import type { Frame } from '../../src/net/request-frames.ts'

const frame: fc.Arbitrary<Frame> = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_FRAME_ID })),
  kind: fc.constantFrom('request', 'answer', 'failure'),
  payload: fc.uint8Array({ maxLength: 600 })
})

/** What a reader gets out of a byte stream cut anywhere: the frames, in order. */
function readAll (chunks: Uint8Array[]): Frame[] {
  const decoder = new LengthPrefixedDecoder()
  const frames: Frame[] = []
  for (const chunk of chunks) for (const body of decoder.decode(chunk)) frames.push(decodeFrame(body.subarray()))
  return frames
}

describe('request channel frames', () => {
  it('come back as sent, in order, however the stream cuts the bytes', () => {
    fc.assert(fc.property(fc.array(frame, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (frames, cuts) => {
      const bytes = concatBytes(...frames.map(encodeFrame))
      const points = [...new Set(cuts.map(cut => cut % (bytes.length + 1)))].sort((a, b) => a - b)
      const chunks = [0, ...points].map((start, i) => bytes.subarray(start, points[i] ?? bytes.length))
      expect(readAll(chunks)).toEqual(frames)
    }), { numRuns: 300 })
  })

  it('reject a body that is not a frame with CodecError only', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), body => {
      try {
        const decoded = decodeFrame(body)
        // Whatever decodes must encode back to the same body.
        expect(encodeFrame(decoded).subarray(-body.length)).toEqual(body)
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError)
      }
    }), { numRuns: 1000 })
    expect(() => decodeFrame(Uint8Array.of(1, 3))).toThrow(/frame kind/)
    expect(() => decodeFrame(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0))).toThrow(/frame id/)
  })
})
