import { isControl, isSpace } from './chars.ts'
import { describeChar } from './invalid.ts'

/**
 * Why a raw character can appear nowhere in an address, or undefined if it may appear
 * somewhere. These get their own messages because each is a likely mistake with a
 * specific fix (a URL query pasted in, a Windows path, a stray space).
 */
export function forbiddenReason (c: number): string | undefined {
  if (isControl(c)) return `control character ${describeChar(c)} is not allowed`
  if (isSpace(c)) return `whitespace ${describeChar(c)} is not allowed; percent-encode it (e.g. %20)`
  if (c === 0x3f) return "'?' is not allowed (ucxl addresses have no query); percent-encode it as %3F"
  if (c === 0x23) return "'#' is not allowed (ucxl addresses have no fragment); percent-encode it as %23"
  if (c === 0x5c) return "backslash is not allowed; separate segments with '/' or percent-encode it as %5C"
  return undefined
}
