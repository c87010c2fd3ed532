import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import {
  AbortError, NetworkError, NotFoundError, RecordTooLargeError, ReplicationError, RetryLaterError, SlurpError, StaleRecordError,
  StorageError, StorageFullError, UnsupportedRuntimeError
} from '../../src/errors.ts'

/** Every error the API answers has this body; `code` is a src/errors.ts code a client can map back. */
export interface ErrorBody {
  readonly error: { readonly code: string, readonly message: string }
}

export interface DescribedError {
  readonly status: ContentfulStatusCode
  readonly code: string
  readonly message: string
  /** For a 429: when to try again (the Retry-After header). */
  readonly retryAfterSeconds?: number
}

// Failures on the relay's side: their messages may name files or peers, so
// callers get the code and a fixed sentence instead.
const SERVER_SIDE = [StorageError, NetworkError, ReplicationError, UnsupportedRuntimeError]

/**
 * The HTTP answer for a thrown error. Anything a caller sent wrong is a 400
 * with the relay's own code and message (the same ones a libp2p peer gets),
 * except a stale version (409), an oversize record (413), a used-up quota
 * (429 with Retry-After) and a relay whose disk is full (507).
 */
export function describeError (error: unknown): DescribedError {
  if (error instanceof RetryLaterError) {
    return { status: 429, code: error.code, message: error.message, retryAfterSeconds: Math.max(1, Math.ceil(error.retryAfterMs / 1000)) }
  }
  // The relay says it is full in so many words (not a masked 500): the writer should go elsewhere.
  if (error instanceof StorageFullError) return { status: 507, code: error.code, message: error.message }
  if (error instanceof StaleRecordError) return { status: 409, code: error.code, message: error.message }
  if (error instanceof RecordTooLargeError) return { status: 413, code: error.code, message: error.message }
  if (error instanceof NotFoundError) return { status: 404, code: error.code, message: error.message }
  if (error instanceof AbortError) return { status: 503, code: error.code, message: 'the request was aborted' }
  if (SERVER_SIDE.some(type => error instanceof type)) {
    return { status: 500, code: (error as SlurpError).code, message: 'the relay failed to handle the request' }
  }
  if (error instanceof SlurpError) return { status: 400, code: error.code, message: error.message }
  if (error instanceof HTTPException && error.status < 500) {
    return { status: error.status as ContentfulStatusCode, code: 'ERR_HTTP', message: error.message || 'bad request' }
  }
  return { status: 500, code: 'ERR_INTERNAL', message: 'internal error' }
}

export function errorJson (c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  const body: ErrorBody = { error: { code, message } }
  return c.json(body, status)
}
