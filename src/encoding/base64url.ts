import { base64urlnopad } from '@scure/base'

/** Unpadded base64url (RFC 4648 §5), the form used in DHT keys and JSON fields. */
export function toBase64url (bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes)
}

/**
 * Strict decoder: padding, foreign letters and non-zero trailing bits are errors, so
 * every byte string has exactly one accepted spelling. Throws a plain Error on bad
 * input; callers know which named error their context calls for and wrap it.
 */
export function fromBase64url (text: string): Uint8Array<ArrayBuffer> {
  if (typeof text !== 'string') {
    throw new TypeError('base64url input must be a string')
  }
  try {
    return Uint8Array.from(base64urlnopad.decode(text))
  } catch (err) {
    throw new Error(`invalid base64url: ${(err as Error).message}`, { cause: err })
  }
}
