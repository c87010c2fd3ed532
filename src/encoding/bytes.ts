const encoder = new TextEncoder()
// fatal: invalid UTF-8 is an error, never silently U+FFFD. ignoreBOM: keep a leading
// U+FEFF as data, so decode(encode(s)) === s for every well-formed string.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function concatBytes (...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/**
 * Compares without an early exit on the first differing byte, because callers compare
 * hashes and signatures where the position of a mismatch should not leak via timing.
 */
export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0)
  return diff === 0
}

/** UTF-8 bytes of a string; lone surrogates become U+FFFD (the encoder cannot fail). */
export function utf8Encode (text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text)
}

/** Decodes UTF-8; throws a TypeError on invalid sequences. */
export function utf8Decode (bytes: Uint8Array): string {
  return decoder.decode(bytes)
}

const HEX = '0123456789abcdef'

/** Lower-case hex, two digits a byte. */
export function toHex (bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += (HEX[byte >> 4] ?? '') + (HEX[byte & 15] ?? '')
  return out
}
