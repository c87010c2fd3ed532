import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CodecError } from '../../src/codec/reader.ts'
import { concatBytes } from '../../src/encoding/bytes.ts'
import { NetworkError } from '../../src/errors.ts'
import { FrameAssembler, SkippedFrame } from '../../src/net/frame-assembler.ts'
import { MAX_FRAME_ID, decodeFrame, encodeFrame } from '../../src/net/request-frames.ts'
import type { Frame } from '../../src/net/request-frames.ts'

const frame: fc.Arbitrary<Frame> = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: MAX_FRAME_ID })),
  kind: fc.constantFrom('request', 'answer', 'failure'),
  payload: fc.uint8Array({ maxLength: 600 })
})

/** What a reader gets out of a byte stream cut anywhere: the frames, in order. */
function readAll (chunks: Uint8Array[]): Frame[] {
  const assembler = new FrameAssembler(() => 1024 * 1024)
  const frames: Frame[] = []
  for (const chunk of chunks) for (const body of assembler.push(chunk)) frames.push(decodeFrame(body as Uint8Array))
  expect(assembler.pending).toBe(0)
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

  // Issue 10 finding 2: the assembler holds what arrived, never what a length prefix claims.
  it('refuse a frame over the limit from its length prefix, before holding any of it', () => {
    const assembler = new FrameAssembler(() => 1000)
    expect(() => assembler.push(Uint8Array.of(0xe9, 0x07))).toThrow(NetworkError) // 1001
    expect(() => new FrameAssembler(() => 2 ** 30).push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(/prefix too long/)
  })

  it('hold at most twice what an unfinished frame sent so far (16 KiB at least), and the limit is read per frame', () => {
    let limit = 8 * 1024 * 1024
    const assembler = new FrameAssembler(() => limit)
    // A prefix claiming 8 MiB, then 40 KiB of it in 1 KiB pieces.
    assembler.push(Uint8Array.of(0x80, 0x80, 0x80, 0x04))
    for (let sent = 1024; sent <= 40 * 1024; sent += 1024) {
      assembler.push(new Uint8Array(1024))
      expect(assembler.pending - 4).toBeLessThanOrEqual(Math.max(2 * sent, 16 * 1024))
    }
    expect(assembler.inFrame).toBe(true)
    const fresh = new FrameAssembler(() => limit)
    expect(fresh.push(concatBytes(encodeFrame({ id: 1, kind: 'request', payload: new Uint8Array(100) }), Uint8Array.of(0x90)))).toHaveLength(1)
    // The next frame's length (400) is judged by the limit when it completes.
    limit = 200
    expect(() => fresh.push(Uint8Array.of(0x03))).toThrow(/over this peer's limit of 200/)
  })

  it('read past a frame over the ceiling but within the skip limit, keeping only its head', () => {
    const assembler = new FrameAssembler({ maxFrameBytes: () => 100, skipUpTo: 10_000 })
    const big = encodeFrame({ id: 7, kind: 'request', payload: new Uint8Array(5000).fill(9) })
    const small = encodeFrame({ id: 8, kind: 'request', payload: new Uint8Array(10) })
    const out: Array<Uint8Array | SkippedFrame> = []
    for (let at = 0; at < big.length; at += 700) {
      out.push(...assembler.push(big.subarray(at, at + 700)))
      expect(assembler.pending).toBeLessThanOrEqual(2 + 16)
    }
    out.push(...assembler.push(small))
    expect(out).toHaveLength(2)
    expect(out[0]).toBeInstanceOf(SkippedFrame)
    expect((out[0] as SkippedFrame).length).toBe(5002)
    expect(decodeFrame((out[0] as SkippedFrame).head).id).toBe(7)
    expect(decodeFrame(out[1] as Uint8Array).id).toBe(8)
    expect(() => assembler.push(encodeFrame({ id: 9, kind: 'request', payload: new Uint8Array(20_000) }))).toThrow(NetworkError)
  })
})
