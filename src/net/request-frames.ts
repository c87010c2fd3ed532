import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'

/**
 * Frames of a request channel: many requests and their answers share one
 * stream, each frame tagged with the id of the request it belongs to.
 *   frame: varint length, then varint id, u8 kind, payload (the rest)
 * Kinds: a request, its answer, or a failure (the payload is a UTF-8 reason).
 */
export type FrameKind = 'request' | 'answer' | 'failure'

export interface Frame {
  readonly id: number
  readonly kind: FrameKind
  readonly payload: Uint8Array
}

const KINDS: readonly FrameKind[] = ['request', 'answer', 'failure']
/** Ids wrap around well before a varint gets long; a channel never has that many in flight. */
export const MAX_FRAME_ID = 0xffff_ffff

/**
 * One buffer per frame: each send on a stream becomes a muxer frame of its
 * own (and a window update back), so a header sent apart doubled the traffic.
 */
export function encodeFrame (frame: Frame): Uint8Array {
  const fields = new ByteWriter(16).varint(frame.id).u8(KINDS.indexOf(frame.kind)).finish()
  return new ByteWriter(fields.length + frame.payload.length + 8).varint(fields.length + frame.payload.length).raw(fields).raw(frame.payload).finish()
}

/** One frame's body (what follows its length prefix). Throws CodecError. */
export function decodeFrame (body: Uint8Array): Frame {
  const reader = new ByteReader(body)
  const id = reader.varint('frame id', MAX_FRAME_ID)
  const kind = KINDS[reader.u8('frame kind')]
  if (kind === undefined) throw new CodecError('unknown frame kind')
  return { id, kind, payload: body.subarray(reader.position) }
}
