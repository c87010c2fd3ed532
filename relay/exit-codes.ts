import {
  AccessDeniedError, DecryptionError, InvalidAddressError, InvalidCertificateError, InvalidKeyError,
  InvalidPolicyError, InvalidRecordError, InvalidSignatureError, NotFoundError, UnknownRoleError, UsageError
} from '../src/errors.ts'

/** Documented in the README; scripts branch on these. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  accessDenied: 4,
  invalidInput: 5,
  network: 6
} as const

export function exitCodeFor (error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage
  if (error instanceof NotFoundError) return EXIT.notFound
  if (error instanceof AccessDeniedError) return EXIT.accessDenied
  if (error instanceof InvalidAddressError || error instanceof InvalidRecordError || error instanceof InvalidKeyError ||
    error instanceof InvalidPolicyError || error instanceof InvalidSignatureError || error instanceof InvalidCertificateError ||
    error instanceof UnknownRoleError || error instanceof DecryptionError) return EXIT.invalidInput
  return EXIT.failure
}
