// Generators for address property tests. Deliberately independent of src/address:
// validity is decided here from the rules, not by asking the parser.
import fc from 'fast-check'

const IDENTIFIER_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-']
const UNRESERVED = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~']
const DELIMITERS = [..."!$&'()*+,;=:@"]
const ESCAPED_ASCII = [...'"<>[]^`{|}']
// Characters that compose, decompose or normalise to ASCII under NFC.
const TRICKY = ['\u0301', '\u0338', '\u0316', '\u0323', '\u1fef', '\u037e', '\u212a', '\u212b', 'e\u0301',
  '<\u0338', '=\u0338', '\u00e9', '\u1e9b\u0323', '\u{1f600}', '\u0958', '\uac00', '\u1100\u1161', '\u11a8']
// Raw characters the rules forbid in a segment (escapes of them are fine).
// eslint-disable-next-line no-control-regex -- control characters are exactly what addresses must refuse
const RAW_FORBIDDEN = /[\u0000-\u001f\u007f\s\u0085?#\\/%]/u

export const identifier = fc.string({ unit: fc.constantFrom(...IDENTIFIER_CHARS), minLength: 1, maxLength: 64 })
  .filter((s) => s !== '.' && s !== '..')

const encoder = new TextEncoder()

function escape (text: string, upper: boolean): string {
  return [...encoder.encode(text)].map((byte) => {
    const hex = byte.toString(16).padStart(2, '0')
    return '%' + (upper ? hex.toUpperCase() : hex)
  }).join('')
}

const codePoint = fc.oneof(
  fc.integer({ min: 0x20, max: 0x7e }),
  fc.integer({ min: 0x80, max: 0x10ffff }).filter((cp) => cp < 0xd800 || cp > 0xdfff)
)

const escapedPiece = fc.oneof(
  fc.tuple(codePoint, fc.boolean()).map(([cp, upper]) => escape(String.fromCodePoint(cp), upper)),
  fc.tuple(fc.constantFrom(...TRICKY, ...UNRESERVED, '/', '%', '?', '#', '\\', ' ', '\ufeff'), fc.boolean())
    .map(([text, upper]) => escape(text, upper))
)

const rawText = (unit: 'grapheme' | 'binary'): fc.Arbitrary<string> =>
  fc.string({ unit, minLength: 1, maxLength: 3 }).filter((s) => !RAW_FORBIDDEN.test(s))

const piece = fc.oneof(
  fc.constantFrom(...UNRESERVED),
  fc.constantFrom(...DELIMITERS),
  fc.constantFrom(...ESCAPED_ASCII),
  fc.constantFrom(...TRICKY),
  rawText('grapheme'),
  rawText('binary'),
  escapedPiece
)

/** A raw (not necessarily canonical) path segment the rules accept. */
export const segment = fc.array(piece, { minLength: 1, maxLength: 6 })
  .map((pieces) => pieces.join(''))
  .filter((s) => { const decoded = decodeURIComponent(s); return decoded !== '.' && decoded !== '..' })

export interface AddressParts {
  agent?: string
  role?: string
  project: string
  task?: string
  segments: string[]
  /** How a root path is spelt: '' or '/'. */
  root: '' | '/'
}

export const addressParts: fc.Arbitrary<AddressParts> = fc.record({
  user: fc.option(fc.tuple(identifier, fc.option(identifier, { nil: undefined })), { nil: undefined }),
  project: identifier,
  task: fc.option(identifier, { nil: undefined }),
  segments: fc.array(segment, { maxLength: 5 }),
  root: fc.constantFrom('' as const, '/' as const)
}).map(({ user, project, task, segments, root }) => ({
  ...(user === undefined ? {} : { agent: user[0], ...(user[1] === undefined ? {} : { role: user[1] }) }),
  project,
  ...(task === undefined ? {} : { task }),
  segments,
  root
}))

export function addressString (parts: AddressParts, scheme = 'ucxl://'): string {
  const user = parts.agent === undefined ? '' : parts.agent + (parts.role === undefined ? '' : ':' + parts.role) + '@'
  const path = parts.segments.length === 0 ? parts.root : '/' + parts.segments.join('/')
  return scheme + user + parts.project + (parts.task === undefined ? '' : ':' + parts.task) + path
}

/** A valid address string, with the scheme in any case. */
export const validAddress = fc.tuple(addressParts, fc.mixedCase(fc.constant('ucxl://')))
  .map(([parts, scheme]) => addressString(parts, scheme))

/** Things likely to break a parser when dropped into an address. */
export const hazard = fc.constantFrom('/', '//', '%', '%2', '%zz', '%C3', '%2e', '%2E%2e', '..', '/..', '/./', '.',
  '\u0000', '\u001f', '\u007f', '\t', '\n', ' ', '\u00a0', '?', '#', '\\', '@', ':', '*', '\ud800', '\udfff',
  '\u00e9', 'e\u0301', '\u0301', '%ED%A0%80', '%C0%AF', '%00', '%7f', 'ucxl://', 'A', '~')

/** A valid address with hazards inserted and characters deleted at arbitrary places. */
export const mutatedAddress = fc.tuple(
  validAddress,
  fc.array(fc.tuple(fc.nat(), fc.oneof(hazard, fc.constant(''))), { minLength: 1, maxLength: 4 })
).map(([address, edits]) => edits.reduce((text, [at, insert]) => {
  const i = at % (text.length + 1)
  // An empty insert deletes the character there instead.
  return insert === '' ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i) + insert + text.slice(i)
}, address))
