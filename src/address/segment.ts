import { utf8Decode } from '../encoding/bytes.ts'
import { codePointAt, hexValue, isControl, isSegmentDelimiter, isUnreserved, percentByte, percentCodePoint, utf8Length } from './chars.ts'
import { forbiddenReason } from './forbidden.ts'
import { describeChar, invalid, type Locate } from './invalid.ts'

/**
 * Returns the canonical form of one path segment (the text between two '/'), or throws.
 *
 * Canonical form: escapes of unreserved characters are decoded; other ASCII escapes are
 * kept, with upper-case hex, because '%2F' or '%3D' means something other than '/' or
 * '='. All other text, raw or escaped (non-ASCII), is NFC-normalised, then written with
 * unreserved characters, sub-delims, ':' and '@' raw and everything else percent-encoded
 * as UTF-8 (so raw '<' becomes '%3C', raw 'é' and 'e' + U+0301 both become '%C3%A9').
 * The result is pure ASCII, which is what makes parsing it again a no-op.
 */
export function normaliseSegment (text: string, locate: Locate): string {
  if (text.length === 0) throw invalid('empty path segment', locate(0))
  // Most segments are already canonical: take the plain prefix in one slice.
  let i = 0
  while (i < text.length && isPlain(text.charCodeAt(i))) i++

  let out = ''
  // Text waiting to be NFC-normalised as one piece, since a combining mark may compose
  // with the character before it. A kept ASCII escape ends the run: it stands for an
  // opaque byte, not text to compose with. `plain` means the run is already canonical.
  let run = text.slice(0, i)
  let plain = true
  const flush = (): void => {
    out += plain ? run : encodeRun(run.normalize('NFC'))
    run = ''
    plain = true
  }

  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 0x25) {
      const start = i
      const bytes: number[] = []
      while (i < text.length && text.charCodeAt(i) === 0x25) {
        const hi = hexValue(text.charCodeAt(i + 1))
        const lo = hexValue(text.charCodeAt(i + 2))
        if (hi < 0 || lo < 0) {
          throw invalid("malformed percent-escape (expected '%' followed by two hex digits)", locate(i))
        }
        bytes.push(hi * 16 + lo)
        i += 3
      }
      let decoded: string
      try {
        decoded = utf8Decode(Uint8Array.from(bytes))
      } catch {
        throw invalid('percent-escapes do not decode to valid UTF-8', locate(start))
      }
      let at = start
      for (const ch of decoded) {
        const cp = codePointAt(ch, 0)
        if (isControl(cp)) throw invalid(`percent-encoded control character ${describeChar(cp)} is not allowed`, locate(at))
        if (cp >= 0x80) {
          run += ch
          plain = false
        } else if (isUnreserved(cp)) {
          run += ch
        } else {
          flush()
          out += percentByte(cp)
        }
        at += 3 * utf8Length(cp)
      }
      continue
    }

    if (c >= 0x80) {
      const cp = codePointAt(text, i)
      if (cp >= 0xd800 && cp <= 0xdfff) throw invalid(`unpaired surrogate ${describeChar(cp)}`, locate(i))
      const reason = forbiddenReason(cp)
      if (reason !== undefined) throw invalid(reason, locate(i))
      const width = cp > 0xffff ? 2 : 1
      run += text.slice(i, i + width)
      plain = false
      i += width
      continue
    }

    if (c === 0x2f) {
      throw invalid("'/' inside a path segment; split the path there or percent-encode it as %2F", locate(i))
    }
    if (!isPlain(c)) {
      const reason = forbiddenReason(c)
      if (reason !== undefined) throw invalid(reason, locate(i))
      plain = false
    }
    run += text[i]
    i++
  }
  flush()

  if (out === '.' || out === '..') {
    throw invalid(`path segment '${out}' is not allowed (no relative segments, even percent-encoded)`, locate(0))
  }
  return out
}

/** Written raw in canonical form. */
function isPlain (c: number): boolean {
  return isUnreserved(c) || isSegmentDelimiter(c)
}

function encodeRun (text: string): string {
  let out = ''
  for (const ch of text) {
    const cp = codePointAt(ch, 0)
    out += isPlain(cp) ? ch : percentCodePoint(cp)
  }
  return out
}
