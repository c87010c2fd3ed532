import { NetworkError } from '../errors.ts'

/** A varint of 4 bytes holds lengths up to 256 MiB, far more than any frame may be. */
const MAX_PREFIX_BYTES = 4

/**
 * Cuts a stream's bytes into length-prefixed frame bodies (varint length, then
 * the body). Unlike a decoder that appends everything to one buffer and looks
 * at the length afterwards, it reads the length first and refuses a frame over
 * `maxFrameBytes()` before holding any of it, and it never allocates what a
 * frame only claims to be: the parts of an unfinished frame are kept as they
 * arrived and joined once the last one is in. `pending` is what it holds of an
 * unfinished frame, for the node's partial-byte budget.
 */
export class FrameAssembler {
  private prefix = 0
  private prefixBytes = 0
  private expected: number | undefined
  // The unfinished body, grown by doubling up to its length: memory follows
  // what arrived, never what the prefix claims.
  private body = EMPTY
  private filled = 0

  /** Read when each frame's length arrives, so a peer's limit may change between frames. */
  constructor (private readonly maxFrameBytes: () => number) {}

  /** Bytes held for an unfinished frame now (its length prefix and the body's allocation). */
  get pending (): number {
    return this.prefixBytes + this.body.length
  }

  /** True while a frame is begun and not finished. */
  get inFrame (): boolean {
    return this.pending > 0
  }

  /** The bodies `chunk` finishes, in order. Throws NetworkError on a length over the limit. */
  push (chunk: Uint8Array): Uint8Array[] {
    const bodies: Uint8Array[] = []
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
        const limit = this.maxFrameBytes()
        if (this.prefix > limit) throw new NetworkError(`a frame of ${this.prefix} bytes is over this peer's limit of ${limit}`)
        this.expected = this.prefix
        if (this.expected === 0) throw new NetworkError('empty frame')
        continue
      }
      const take = Math.min(this.expected - this.filled, chunk.length - offset)
      if (this.filled === 0 && take === this.expected) {
        // A whole frame in one chunk: handed on as it is, nothing copied.
        bodies.push(chunk.subarray(offset, offset + take))
      } else {
        this.reserve(this.filled + take, this.expected)
        this.body.set(chunk.subarray(offset, offset + take), this.filled)
        this.filled += take
        if (this.filled === this.expected) bodies.push(this.body)
      }
      offset += take
      if (this.filled === this.expected || this.filled === 0) {
        this.prefix = 0
        this.prefixBytes = 0
        this.expected = undefined
        this.body = EMPTY
        this.filled = 0
      }
    }
    return bodies
  }

  private reserve (needed: number, expected: number): void {
    if (this.body.length >= needed) return
    const grown = new Uint8Array(Math.min(expected, Math.max(needed, 2 * this.body.length, FIRST_ALLOCATION)))
    grown.set(this.body.subarray(0, this.filled))
    this.body = grown
  }
}

const EMPTY = new Uint8Array(0)
const FIRST_ALLOCATION = 16 * 1024
