import { AccessDeniedError, DecryptionError } from '../../errors.ts'

/**
 * The two ways an age file can fail to open, as subclasses of the project's own
 * errors so a caller that only knows src/errors.ts still branches correctly:
 * AgeNoMatchError is an AccessDeniedError, AgeMalformedError a DecryptionError.
 */

/** A well-formed header, but none of the given identities unwraps any of its stanzas. */
export class AgeNoMatchError extends AccessDeniedError {}

/**
 * Where a malformed, truncated or tampered file went wrong, in the terms of
 * C2SP's CCTV age vectors: `armor` (ASCII armor), `header` (the text header or the
 * payload nonce), `stanza` (an identity recognised a stanza and found it invalid),
 * `mac` (the header MAC does not verify), `payload` (STREAM).
 */
export type AgeFailure = 'armor' | 'header' | 'stanza' | 'mac' | 'payload'

/** Not a valid age file, or one that was altered: never any plaintext. */
export class AgeMalformedError extends DecryptionError {
  constructor (readonly reason: AgeFailure, message: string, options?: ErrorOptions) {
    super(message, options)
  }
}

/** A thrown value's message, whatever was thrown. */
export function messageOf (cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
