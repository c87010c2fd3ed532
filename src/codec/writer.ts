/**
 * A growable byte writer for slurp's binary formats. Every variable-length field
 * is length-prefixed with an unsigned LEB128 varint, so a decoder never has to
 * guess where a field ends.
 */
export class ByteWriter {
  private buffer: Uint8Array
  private view: DataView
  private length = 0

  constructor (initialSize = 256) {
    this.buffer = new Uint8Array(initialSize)
    this.view = new DataView(this.buffer.buffer)
  }

  private reserve (extra: number): void {
    const needed = this.length + extra
    if (needed <= this.buffer.length) return
    let size = this.buffer.length * 2
    while (size < needed) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buffer.subarray(0, this.length))
    this.buffer = next
    this.view = new DataView(next.buffer)
  }

  u8 (value: number): this {
    this.reserve(1)
    this.buffer[this.length++] = value & 0xff
    return this
  }

  varint (value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`varint out of range: ${value}`)
    }
    this.reserve(8)
    // Division, not bit shifts: values may exceed 32 bits (timestamps in ms).
    while (value >= 0x80) {
      this.buffer[this.length++] = (value % 0x80) | 0x80
      value = Math.floor(value / 0x80)
    }
    this.buffer[this.length++] = value
    return this
  }

  u64 (value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`u64 out of range: ${value}`)
    }
    this.reserve(8)
    this.view.setBigUint64(this.length, BigInt(value))
    this.length += 8
    return this
  }

  /** Fixed-size bytes whose length the format already knows (keys, hashes, signatures). */
  raw (bytes: Uint8Array): this {
    this.reserve(bytes.length)
    this.buffer.set(bytes, this.length)
    this.length += bytes.length
    return this
  }

  bytes (bytes: Uint8Array): this {
    return this.varint(bytes.length).raw(bytes)
  }

  string (value: string): this {
    return this.bytes(textEncoder.encode(value))
  }

  finish (): Uint8Array {
    return this.buffer.slice(0, this.length)
  }
}

const textEncoder = new TextEncoder()
