import { errorClassForCode } from '../error-codes.ts'
import type { ErrorClass } from '../error-codes.ts'
import { InvalidRecordError, NetworkError, NotFoundError, RecordTooLargeError, StaleRecordError } from '../errors.ts'
import type { SlurpError } from '../errors.ts'

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
  const known = code === undefined ? undefined : errorClassForCode(code)
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
