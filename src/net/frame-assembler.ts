import { NetworkError } from '../errors.ts'

/** A varint of 4 bytes holds lengths up to 256 MiB, far more than any frame may be. */
const MAX_PREFIX_BYTES = 4
/** Of a frame skipped for its size, this much is kept: enough for its id and kind. */
const SKIPPED_HEAD_BYTES = 16

/** A frame over the ceiling but within the skip limit: read past, never held. Its head holds the id and kind. */
export class SkippedFrame {
  constructor (readonly length: number, readonly head: Uint8Array) {}
}

export interface FrameLimits {
  /** The largest frame kept, read when each frame's length arrives (a peer's limit may change between frames). */
  readonly maxFrameBytes: () => number
  /**
   * Frames over maxFrameBytes and up to this are read past and reported as
   * SkippedFrame (so the sender can be told why); longer ones throw. Default:
   * none are skipped.
   */
  readonly skipUpTo?: number
}

/**
 * Cuts a stream's bytes into length-prefixed frame bodies (varint length, then
 * the body). Unlike a decoder that appends everything to one buffer and looks
 * at the length afterwards, it reads the length first and refuses a frame over
 * the limit before holding any of it, and it never allocates what a frame only
 * claims to be: an unfinished body grows with what arrived. `pending` is what
 * it holds of an unfinished frame, for the node's partial-byte budget.
 */
export class FrameAssembler {
  private prefix = 0
  private prefixBytes = 0
  private expected: number | undefined
  private skipping = false
  // The unfinished body, grown by doubling up to its length: memory follows
  // what arrived, never what the prefix claims.
  private body = EMPTY
  private filled = 0
  private readonly limits: FrameLimits

  constructor (limits: FrameLimits | (() => number)) {
    this.limits = typeof limits === 'function' ? { maxFrameBytes: limits } : limits
  }

  /** Bytes held for an unfinished frame now (its length prefix and the body's allocation). */
  get pending (): number {
    return this.prefixBytes + this.body.length
  }

  /** True while a frame is begun and not finished (skipped ones too). */
  get inFrame (): boolean {
    return this.prefixBytes > 0
  }

  /** The frames `chunk` finishes, in order. Throws NetworkError on a length over the limits. */
  push (chunk: Uint8Array): Array<Uint8Array | SkippedFrame> {
    const frames: Array<Uint8Array | SkippedFrame> = []
    let offset = 0
    while (offset < chunk.length) {
      if (this.expected === undefined) {
        const byte = chunk[offset++] as number
        this.prefix += (byte & 0x7f) * 2 ** (7 * this.prefixBytes)
        this.prefixBytes++
        if ((byte & 0x80) !== 0) {
          if (this.prefixBytes >= MAX_PREFIX_BYTES) throw new NetworkError('frame length prefix too long')
          continue
        }
        if (this.prefix === 0) throw new NetworkError('empty frame')
        const limit = this.limits.maxFrameBytes()
        if (this.prefix > limit) {
          if (this.prefix > (this.limits.skipUpTo ?? 0)) throw new NetworkError(`a frame of ${this.prefix} bytes is over this peer's limit of ${limit}`)
          this.skipping = true
        }
        this.expected = this.prefix
        continue
      }
      const take = Math.min(this.expected - this.filled, chunk.length - offset)
      if (this.skipping) {
        // Only the head is kept; the rest is read past.
        const keep = Math.min(take, SKIPPED_HEAD_BYTES - Math.min(this.filled, SKIPPED_HEAD_BYTES))
        if (keep > 0) {
          this.reserve(this.filled + keep, SKIPPED_HEAD_BYTES)
          this.body.set(chunk.subarray(offset, offset + keep), this.filled)
        }
      } else if (this.filled === 0 && take === this.expected) {
        // A whole frame in one chunk: handed on as it is, nothing copied.
        frames.push(chunk.subarray(offset, offset + take))
      } else {
        this.reserve(this.filled + take, this.expected)
        this.body.set(chunk.subarray(offset, offset + take), this.filled)
      }
      this.filled += take
      offset += take
      if (this.filled === this.expected) {
        if (this.skipping) frames.push(new SkippedFrame(this.expected, this.body.subarray(0, Math.min(this.filled, SKIPPED_HEAD_BYTES))))
        else if (this.body.length > 0) frames.push(this.body)
        this.prefix = 0
        this.prefixBytes = 0
        this.expected = undefined
        this.skipping = false
        this.body = EMPTY
        this.filled = 0
      }
    }
    return frames
  }

  private reserve (needed: number, most: number): void {
    if (this.body.length >= needed) return
    const grown = new Uint8Array(Math.min(most, Math.max(needed, 2 * this.body.length, FIRST_ALLOCATION)))
    grown.set(this.body.subarray(0, Math.min(this.filled, this.body.length)))
    this.body = grown
  }
}

const EMPTY = new Uint8Array(0)
const FIRST_ALLOCATION = 16 * 1024
