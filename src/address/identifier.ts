import { codePointAt, isControl, isSpace } from './chars.ts'
import { describeChar, invalid, type Locate } from './invalid.ts'
import { MAX_IDENTIFIER_LENGTH } from './types.ts'

export type IdentifierField = 'agent' | 'role' | 'project' | 'task'

/**
 * Validates an agent, role, project or task name and returns it lower-cased. Only ASCII
 * letters are case-folded: Unicode case mapping would let e.g. KELVIN SIGN (U+212A)
 * pass as 'k', giving one name two spellings that look nothing alike.
 */
export function normaliseIdentifier (field: IdentifierField, text: string, locate: Locate): string {
  if (text.length === 0) throw invalid(`${field} is empty`, locate(0))
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
      c === 0x2d || c === 0x2e || c === 0x5f) continue
    throw invalid(identifierCharProblem(field, codePointAt(text, i)), locate(i))
  }
  if (text.length > MAX_IDENTIFIER_LENGTH) {
    throw invalid(`${field} is ${text.length} characters long; the limit is ${MAX_IDENTIFIER_LENGTH}`, locate(0))
  }
  if (text === '.' || text === '..') throw invalid(`${field} must not be '.' or '..'`, locate(0))
  return text.toLowerCase()
}

function identifierCharProblem (field: IdentifierField, c: number): string {
  // Not the path's hints: percent-encoding will not make these valid in a name.
  if (c === 0x3f) return "'?' is not allowed (ucxl addresses have no query)"
  if (c === 0x23) return "'#' is not allowed (ucxl addresses have no fragment)"
  if (c === 0x2a) return `wildcard '*' is not allowed in ${field}; an address names one thing`
  if (c === 0x25) return `percent-escapes are not allowed in ${field}`
  const kind = isControl(c) ? 'control character ' : isSpace(c) ? 'whitespace ' : ''
  return `${field} contains ${kind}${describeChar(c)}; only a-z, 0-9, '.', '_' and '-' are allowed`
}
