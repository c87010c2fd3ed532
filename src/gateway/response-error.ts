import {
  ExpiredCertificateError, InvalidAddressError, InvalidCertificateError, InvalidRecordError, InvalidSignatureError,
  NetworkError, NotFoundError, RecordTooLargeError, StaleRecordError, UnknownRoleError, WriteNotAllowedError
} from '../errors.ts'
import type { SlurpError } from '../errors.ts'

type ErrorClass = new (message: string, options?: ErrorOptions) => SlurpError

// The codes a gateway answers with, back to the classes the relay threw, so a
// gateway client branches on errors exactly as a libp2p peer does.
const BY_CODE: Readonly<Record<string, ErrorClass>> = {
  ERR_STALE_RECORD: StaleRecordError,
  ERR_RECORD_TOO_LARGE: RecordTooLargeError,
  ERR_INVALID_SIGNATURE: InvalidSignatureError,
  ERR_WRITE_NOT_ALLOWED: WriteNotAllowedError,
  ERR_EXPIRED_CERTIFICATE: ExpiredCertificateError,
  ERR_INVALID_CERTIFICATE: InvalidCertificateError,
  ERR_UNKNOWN_ROLE: UnknownRoleError,
  ERR_INVALID_ADDRESS: InvalidAddressError,
  ERR_INVALID_RECORD: InvalidRecordError,
  ERR_NOT_FOUND: NotFoundError
}

// When the body carries no code we know (a proxy's own error page, say), the status decides.
const BY_STATUS: Readonly<Record<number, ErrorClass>> = {
  400: InvalidRecordError,
  404: NotFoundError,
  409: StaleRecordError,
  413: RecordTooLargeError
}

/** The named error for a gateway's non-2xx answer. */
export async function errorFromResponse (response: Response, what: string): Promise<SlurpError> {
  const { code, message } = await readErrorBody(response)
  const detail = message ?? `${response.status} ${response.statusText}`.trim()
  const known = code === undefined ? undefined : BY_CODE[code]
  const ErrorType = known ?? BY_STATUS[response.status] ?? NetworkError
  return new ErrorType(`${what}: ${detail}${known === undefined && code !== undefined ? ` (${code})` : ''}`)
}

async function readErrorBody (response: Response): Promise<{ code?: string, message?: string }> {
  try {
    const body: unknown = await response.json()
    const error = (body as { error?: { code?: unknown, message?: unknown } } | null)?.error
    return {
      ...(typeof error?.code === 'string' ? { code: error.code } : {}),
      ...(typeof error?.message === 'string' ? { message: error.message } : {})
    }
  } catch {
    return {}
  }
}
