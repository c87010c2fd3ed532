import { BinarySourceError, SourceTooLargeError } from '../errors.ts'

/** Sources above this are refused: a generated summary of a megabyte of code says little, and parsing it costs a lot. */
export const DEFAULT_MAX_SOURCE_BYTES = 1024 * 1024

/** Share of U+FFFD (undecodable bytes) above which a source counts as binary rather than text with a few bad bytes… */
const MAX_INVALID_SHARE = 0.05
/** …once there are more than a few: a short note with two stray Latin-1 bytes is still text. */
const MIN_INVALID = 8

export interface CheckSourceOptions {
  readonly maxBytes?: number
}

/**
 * Refuses what no generator should read: sources over `maxBytes`, and binary
 * ones (a NUL byte, as git decides, or mostly invalid UTF-8). Returns the text,
 * decoded leniently (a few invalid bytes become U+FFFD).
 */
export function checkSource (path: string, bytes: Uint8Array, options: CheckSourceOptions = {}): string {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_SOURCE_BYTES
  if (bytes.length > maxBytes) throw new SourceTooLargeError(`${path} is ${bytes.length} bytes, over the limit of ${maxBytes}`)
  if (bytes.includes(0)) throw new BinarySourceError(`${path} is binary (it holds NUL bytes)`)
  const text = decoder.decode(bytes)
  const invalid = countReplacements(text)
  if (invalid > MIN_INVALID && invalid > MAX_INVALID_SHARE * text.length) {
    throw new BinarySourceError(`${path} is binary (${invalid} of ${text.length} characters are not valid UTF-8)`)
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

function countReplacements (text: string): number {
  let count = 0
  let at = text.indexOf('\ufffd')
  while (at !== -1) {
    count++
    at = text.indexOf('\ufffd', at + 1)
  }
  return count
}
