import {
  AccessDeniedError, DecryptionError, EscrowError, InvalidAddressError, InvalidCertificateError, InvalidKeyError,
  InvalidInviteError, InvalidPolicyError, MemberRevokedError, InvalidRecordError, InvalidSignatureError, NetworkError, NotFoundError, ReplicationError, UnknownRoleError, UsageError, WriteNotAllowedError
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
  if (error instanceof AccessDeniedError || error instanceof WriteNotAllowedError || error instanceof MemberRevokedError) return EXIT.accessDenied
  if (error instanceof NetworkError || error instanceof ReplicationError) return EXIT.network
  if (error instanceof InvalidAddressError || error instanceof InvalidRecordError || error instanceof InvalidKeyError ||
    error instanceof InvalidPolicyError || error instanceof InvalidSignatureError || error instanceof InvalidCertificateError ||
    error instanceof UnknownRoleError || error instanceof DecryptionError || error instanceof InvalidInviteError || error instanceof EscrowError) return EXIT.invalidInput
  return EXIT.failure
}
