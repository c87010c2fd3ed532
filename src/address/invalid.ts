import { InvalidAddressError } from '../errors.ts'

/** Where in the caller's input a problem is, as text appended to the message. */
export type Locate = (index: number) => string

export const atIndex = (base: number): Locate => (index) => ` at index ${base + index}`

/** Location first, so that a hint at the end of the problem reads as the last word. */
export function invalid (problem: string, where = ''): InvalidAddressError {
  return new InvalidAddressError(`invalid ucxl address${where}: ${problem}`)
}

/**
 * Names a character so that the message is readable and safe to print: printable
 * ASCII is quoted, everything else (controls, spaces, non-ASCII) is shown as U+XXXX.
 */
export function describeChar (codePoint: number): string {
  const hex = 'U+' + codePoint.toString(16).toUpperCase().padStart(4, '0')
  return codePoint > 0x20 && codePoint < 0x7f ? `'${String.fromCharCode(codePoint)}' (${hex})` : hex
}
