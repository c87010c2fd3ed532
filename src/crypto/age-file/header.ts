import { concatBytes } from '../../encoding/bytes.ts'
import { base64nopad } from '@scure/base'
import { AgeMalformedError } from './errors.ts'
import { headerMac } from './mac.ts'
import { isArbitraryString } from './stanza.ts'
import type { Stanza } from './stanza.ts'

/**
 * age v1's text header (age-encryption.org/v1, "Header"), parsed strictly:
 *
 *     age-encryption.org/v1
 *     -> X25519 <share>
 *     <body: canonical unpadded base64, 64 columns, then one shorter line, maybe empty>
 *     --- <MAC: canonical unpadded base64 of 32 bytes>
 *
 * Every line ends in LF and holds printable ASCII only (no CR, no tab). Anything
 * else is an AgeMalformedError with reason "header", whatever the input.
 */
export const VERSION_LINE = 'age-encryption.org/v1'
const STANZA_PREFIX = '->'
const FOOTER_PREFIX = '---'
const LF = 0x0a
const COLUMNS = 64
const BYTES_PER_LINE = 48
const MAC_BYTES = 32

export interface ParsedHeader {
  readonly stanzas: Stanza[]
  readonly mac: Uint8Array
  /** What the MAC covers: a view of the input from its first byte through the footer's "---". */
  readonly macInput: Uint8Array
  /** Header bytes up to and including the MAC line's LF: the payload starts here. */
  readonly length: number
}

const ascii = new TextDecoder()

function malformed (message: string, cause?: unknown): AgeMalformedError {
  return new AgeMalformedError('header', `malformed age header: ${message}`, cause === undefined ? undefined : { cause })
}

/** Reads LF-terminated lines of printable ASCII from the start of a file. */
class LineReader {
  position = 0

  constructor (private readonly bytes: Uint8Array) {}

  next (): string {
    const start = this.position
    const end = this.bytes.indexOf(LF, start)
    if (end < 0) throw malformed(start === 0 ? 'no version line' : 'the header ends before its MAC line')
    for (let i = start; i < end; i++) {
      const byte = this.bytes[i] as number
      if (byte < 0x20 || byte > 0x7e) throw malformed(`byte 0x${byte.toString(16).padStart(2, '0')} at offset ${i} (a header is printable ASCII lines ending in LF)`)
    }
    this.position = end + 1
    return ascii.decode(this.bytes.subarray(start, end))
  }
}

function decodeBase64 (text: string, what: string): Uint8Array {
  try {
    return base64nopad.decode(text)
  } catch (cause) {
    throw malformed(`${what} is not canonical unpadded base64`, cause)
  }
}

export function parseHeader (file: Uint8Array): ParsedHeader {
  const lines = new LineReader(file)
  const version = lines.next()
  if (version !== VERSION_LINE) throw malformed(`unsupported version line "${shorten(version)}"`)
  const stanzas: Stanza[] = []
  for (;;) {
    const lineStart = lines.position
    const line = lines.next()
    if (line.startsWith(FOOTER_PREFIX)) {
      const words = line.split(' ')
      if (words.length !== 2 || words[0] !== FOOTER_PREFIX) throw malformed('the MAC line is not "--- " and one base64 word')
      const mac = decodeBase64(words[1] as string, 'the MAC')
      if (mac.length !== MAC_BYTES) throw malformed(`the MAC has ${mac.length} bytes, not ${MAC_BYTES}`)
      return { stanzas, mac, macInput: file.subarray(0, lineStart + FOOTER_PREFIX.length), length: lines.position }
    }
    const words = line.split(' ')
    if (words[0] !== STANZA_PREFIX || words.length < 2) throw malformed(`"${shorten(line)}" is neither a stanza ("-> type …") nor the MAC line`)
    const args = words.slice(1)
    if (!args.every(isArbitraryString)) throw malformed(`stanza arguments must be non-empty printable ASCII without spaces: "${shorten(line)}"`)
    stanzas.push({ args, body: readBody(lines) })
  }
}

/** Full 48-byte (64-column) lines, ended by one shorter line, which may be empty. */
function readBody (lines: LineReader): Uint8Array {
  const parts: Uint8Array[] = []
  for (;;) {
    const line = lines.next()
    if (line.length > COLUMNS) throw malformed(`a stanza body line has ${line.length} columns, more than ${COLUMNS}`)
    if (line.startsWith(STANZA_PREFIX) || line.startsWith(FOOTER_PREFIX)) throw malformed('a stanza ended without a short body line')
    const bytes = decodeBase64(line, 'a stanza body line')
    parts.push(bytes)
    if (bytes.length < BYTES_PER_LINE) break
  }
  return concatBytes(...parts)
}

/** The header through "---", ready for the MAC. Rejects stanzas age could not parse back. */
export function encodeHeaderWithoutMac (stanzas: readonly Stanza[]): Uint8Array {
  let text = `${VERSION_LINE}\n`
  for (const stanza of stanzas) {
    if (stanza.args.length === 0 || !stanza.args.every(isArbitraryString)) {
      throw new AgeMalformedError('stanza', `a recipient made an invalid stanza: arguments ${JSON.stringify(stanza.args)} (age needs one or more, each printable ASCII without spaces)`)
    }
    text += `${STANZA_PREFIX} ${stanza.args.join(' ')}\n`
    const body = base64nopad.encode(stanza.body)
    // A body whose encoding fills its last line (empty included) still ends with a short, empty line.
    for (let i = 0; i <= body.length; i += COLUMNS) text += `${body.slice(i, i + COLUMNS)}\n`
  }
  return new TextEncoder().encode(text + FOOTER_PREFIX)
}

/** The whole header, MAC line included, for these stanzas under this file key. */
export function encodeHeader (stanzas: readonly Stanza[], fileKey: Uint8Array): Uint8Array {
  const withoutMac = encodeHeaderWithoutMac(stanzas)
  return withMac(withoutMac, headerMac(fileKey, withoutMac))
}

export function withMac (withoutMac: Uint8Array, mac: Uint8Array): Uint8Array {
  const line = new TextEncoder().encode(` ${base64nopad.encode(mac)}\n`)
  const header = new Uint8Array(withoutMac.length + line.length)
  header.set(withoutMac)
  header.set(line, withoutMac.length)
  return header
}

function shorten (text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}
