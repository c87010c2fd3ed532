import { armor } from 'age-encryption'
import { AgeMalformedError, messageOf } from './errors.ts'

/**
 * age's ASCII armor (a strict PEM subset), through typage's codec. Input is
 * taken as armored when, after leading whitespace, it starts with the BEGIN line:
 * a binary age file starts with "age-encryption.org/v1", so the two cannot mix up.
 */
const BEGIN = '-----BEGIN AGE ENCRYPTED FILE-----'
const BEGIN_BYTES = new TextEncoder().encode(BEGIN)

function isWhitespace (byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d
}

export function isArmoredAge (bytes: Uint8Array): boolean {
  let start = 0
  while (start < bytes.length && isWhitespace(bytes[start] as number)) start++
  if (bytes.length - start < BEGIN_BYTES.length) return false
  for (let i = 0; i < BEGIN_BYTES.length; i++) {
    if (bytes[start + i] !== BEGIN_BYTES[i]) return false
  }
  return true
}

/** The binary age file: armored input decoded, binary input as it is (not copied). */
export function dearmorAge (bytes: Uint8Array): Uint8Array {
  if (!isArmoredAge(bytes)) return bytes
  try {
    // Non-ASCII bytes become U+FFFD, which the armor's base64 check then rejects.
    return armor.decode(new TextDecoder().decode(bytes))
  } catch (cause) {
    throw new AgeMalformedError('armor', `malformed age armor: ${messageOf(cause)}`, { cause })
  }
}

export function armorAge (file: Uint8Array): Uint8Array {
  return new TextEncoder().encode(armor.encode(file))
}
