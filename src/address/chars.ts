// Character classes of RFC 3986, on UTF-16 code units / code points.

/** ALPHA / DIGIT / '-' / '.' / '_' / '~': never needs percent-encoding. */
export function isUnreserved (c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e
}

/** Sub-delims plus ':' and '@': allowed raw in a path segment, but distinct from their escapes. */
export function isSegmentDelimiter (c: number): boolean {
  switch (c) {
    case 0x21: case 0x24: case 0x26: case 0x27: case 0x28: case 0x29: case 0x2a:
    case 0x2b: case 0x2c: case 0x3b: case 0x3d: case 0x3a: case 0x40:
      return true
    default:
      return false
  }
}

export function isControl (c: number): boolean {
  return c <= 0x1f || c === 0x7f
}

/** Unicode White_Space outside the controls, plus U+FEFF: invisible in a pasted address. */
export function isSpace (c: number): boolean {
  return c === 0x20 || c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

/** Value of an ASCII hex digit, or -1. */
export function hexValue (c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x37
  if (c >= 0x61 && c <= 0x66) return c - 0x57
  return -1
}

const HEX = '0123456789ABCDEF'

/** '%XX' with upper-case hex, the canonical spelling of an escape. */
export function percentByte (byte: number): string {
  return '%' + (HEX[byte >> 4] ?? '') + (HEX[byte & 15] ?? '')
}

/** Percent-encodes the UTF-8 bytes of one code point. */
export function percentCodePoint (cp: number): string {
  if (cp < 0x80) return percentByte(cp)
  if (cp < 0x800) return percentByte(0xc0 | (cp >> 6)) + percentByte(0x80 | (cp & 0x3f))
  if (cp < 0x10000) {
    return percentByte(0xe0 | (cp >> 12)) + percentByte(0x80 | ((cp >> 6) & 0x3f)) + percentByte(0x80 | (cp & 0x3f))
  }
  return percentByte(0xf0 | (cp >> 18)) + percentByte(0x80 | ((cp >> 12) & 0x3f)) +
    percentByte(0x80 | ((cp >> 6) & 0x3f)) + percentByte(0x80 | (cp & 0x3f))
}

/** Bytes a code point takes in UTF-8. */
export function utf8Length (cp: number): number {
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
}

/**
 * The code point at index i, or a lone surrogate's own value. Written out instead of
 * String#codePointAt because Chromium 156's optimised codePointAt, on a string sliced
 * from a longer one, reads past the slice's end: a lone high surrogate at the end is
 * paired with the parent's next code unit and passes as a valid character.
 */
export function codePointAt (text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const next = text.charCodeAt(i + 1)
    if (next >= 0xdc00 && next <= 0xdfff) return (c - 0xd800) * 0x400 + (next - 0xdc00) + 0x10000
  }
  return c
}
