import {
  ExpiredCertificateError, FencedError, InvalidAddressError, InvalidCertificateError, InvalidRecordError, InvalidSignatureError,
  MemberRevokedError, NotFoundError, RecordTooLargeError, ReplaceNotAllowedError, StaleRecordError, UnknownRoleError, WriteNotAllowedError
} from './errors.ts'
import type { SlurpError } from './errors.ts'

export type ErrorClass = new (message: string, options?: ErrorOptions) => SlurpError

/**
 * The codes relays answer with (record protocol, HTTP gateway), back to the
 * classes the relay threw, so a client branches on a refusal exactly as the
 * relay named it.
 */
const BY_CODE: Readonly<Record<string, ErrorClass>> = {
  ERR_STALE_RECORD: StaleRecordError,
  ERR_RECORD_TOO_LARGE: RecordTooLargeError,
  ERR_INVALID_SIGNATURE: InvalidSignatureError,
  ERR_WRITE_NOT_ALLOWED: WriteNotAllowedError,
  ERR_MEMBER_REVOKED: MemberRevokedError,
  ERR_REPLACE_NOT_ALLOWED: ReplaceNotAllowedError,
  ERR_EXPIRED_CERTIFICATE: ExpiredCertificateError,
  ERR_INVALID_CERTIFICATE: InvalidCertificateError,
  ERR_UNKNOWN_ROLE: UnknownRoleError,
  ERR_INVALID_ADDRESS: InvalidAddressError,
  ERR_INVALID_RECORD: InvalidRecordError,
  ERR_NOT_FOUND: NotFoundError,
  ERR_FENCED: FencedError
}

export function errorClassForCode (code: string): ErrorClass | undefined {
  return Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined
}

/**
 * Refusals that say the network's policy does not allow this write (who the
 * writer is, what it may write), as opposed to a fault of the network: a
 * writer told "network failure" for these retries in vain.
 */
const POLICY_REFUSALS = new Set(['ERR_WRITE_NOT_ALLOWED', 'ERR_MEMBER_REVOKED', 'ERR_REPLACE_NOT_ALLOWED', 'ERR_EXPIRED_CERTIFICATE', 'ERR_INVALID_CERTIFICATE', 'ERR_UNKNOWN_ROLE', 'ERR_FENCED'])

export function isPolicyRefusal (code: string): boolean {
  return POLICY_REFUSALS.has(code)
}
