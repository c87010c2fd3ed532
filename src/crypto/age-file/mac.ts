import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { equalBytes } from '../../encoding/bytes.ts'

/**
 * The header MAC: HMAC-SHA-256 under HKDF-SHA-256(ikm = file key, salt = empty,
 * info = "header"), over the header from its first byte through the "---" of
 * the MAC line (not the space after it).
 */
const EMPTY = new Uint8Array(0)
const HEADER_INFO = new TextEncoder().encode('header')

export function headerMac (fileKey: Uint8Array, macInput: Uint8Array): Uint8Array {
  return hmac(sha256, hkdf(sha256, fileKey, EMPTY, HEADER_INFO, 32), macInput)
}

/** Constant time in the MAC's content. */
export function headerMacMatches (fileKey: Uint8Array, macInput: Uint8Array, mac: Uint8Array): boolean {
  return equalBytes(headerMac(fileKey, macInput), mac)
}
