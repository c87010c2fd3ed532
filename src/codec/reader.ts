/**
 * The reading half of ByteWriter. Every read is bounds-checked and throws
 * CodecError, so hostile input can only ever produce that one error.
 */
export class CodecError extends Error {
  override name = 'CodecError'
}

export class ByteReader {
  private offset = 0
  private readonly view: DataView

  constructor (private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  get position (): number {
    return this.offset
  }

  get remaining (): number {
    return this.bytes.length - this.offset
  }

  private need (count: number, what: string): void {
    if (count > this.remaining) {
      throw new CodecError(`truncated ${what}: need ${count} bytes at offset ${this.offset}, ${this.remaining} left`)
    }
  }

  u8 (what = 'byte'): number {
    this.need(1, what)
    return this.bytes[this.offset++] as number
  }

  varint (what = 'varint', max = Number.MAX_SAFE_INTEGER): number {
    let value = 0
    let scale = 1
    for (let i = 0; i < 8; i++) {
      const byte = this.u8(what)
      value += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) {
        // A trailing zero byte means a non-minimal encoding: two spellings of one
        // value would let two different byte strings carry one signature.
        if (byte === 0 && i > 0) throw new CodecError(`non-minimal ${what}`)
        if (value > max) throw new CodecError(`${what} too large: ${value} > ${max}`)
        return value
      }
      scale *= 0x80
    }
    throw new CodecError(`${what} too long`)
  }

  u64 (what = 'u64'): number {
    this.need(8, what)
    const value = this.view.getBigUint64(this.offset)
    this.offset += 8
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError(`${what} out of range`)
    return Number(value)
  }

  raw (length: number, what = 'bytes'): Uint8Array {
    this.need(length, what)
    const out = this.bytes.slice(this.offset, this.offset + length)
    this.offset += length
    return out
  }

  bytesField (what = 'bytes', max = this.remaining): Uint8Array {
    const length = this.varint(`${what} length`, max)
    return this.raw(length, what)
  }

  string (what = 'string', maxBytes = 1024): string {
    const bytes = this.bytesField(what, maxBytes)
    try {
      return textDecoder.decode(bytes)
    } catch {
      throw new CodecError(`${what} is not valid UTF-8`)
    }
  }

  /** Rejects trailing garbage: one envelope, one byte string. */
  end (what = 'input'): void {
    if (this.remaining !== 0) throw new CodecError(`${this.remaining} unexpected trailing bytes after ${what}`)
  }
}

const textDecoder = new TextDecoder('utf-8', { fatal: true })
