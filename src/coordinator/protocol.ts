import type { Libp2p, PeerId } from '@libp2p/interface'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { errorClassForCode } from '../error-codes.ts'
import {
  AbortError, CoordinatorRefusedError, InvalidQueueCommandError, LeadershipLostError, NetworkError, NoLeaderError,
  NotLeaderError, RetryLaterError, SlurpError
} from '../errors.ts'
import { sendRequest, serveRequests } from '../net/request-response.ts'
import type { Ack, CoordinatorStatus, RequestOutcome } from './types.ts'

/**
 * How members reach the coordinators, and followers the leader. Request
 * channels (src/net/request-response.ts) carrying JSON:
 *   { op: "submit", request, forwarded? }   → { ok: true, ack }
 *   { op: "status" }                         → { ok: true, status }
 *   { op: "wait", requestId, timeoutMs }     → { ok: true, outcome } | { ok: true, pending: true }
 * and any of them → { ok: false, code, message, leader?, retryAfterMs? }: a
 * named refusal (ERR_NOT_LEADER with the leader it knows, ERR_NO_LEADER,
 * ERR_LEADERSHIP_LOST, ERR_INVALID_QUEUE_COMMAND, or the admission's own).
 * `forwarded` is a voter passing a request on to the leader: the leader does
 * not pass it on again, and believes the flag only from a voter.
 */
export const COORDINATOR_PROTOCOL = '/slurp/coordinator/1.0.0'

/** A wait is answered "pending" after at most this (the server gives a request 15 s). */
export const MAX_WAIT_MS = 10_000

export interface CoordinatorHandlers {
  submit: (request: unknown, options: { signal: AbortSignal, from: PeerId, forwarded: boolean }) => Promise<Ack>
  status: () => CoordinatorStatus
  wait: (requestId: string, options: { signal: AbortSignal }) => Promise<RequestOutcome>
}

type Answer = Record<string, unknown> & { ok: true }

function encode (value: unknown): Uint8Array {
  return utf8Encode(JSON.stringify(value))
}

function parse (bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(utf8Decode(bytes))
  } catch {
    throw new NetworkError(`malformed ${what}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NetworkError(`malformed ${what}`)
  return value as Record<string, unknown>
}

/** A refusal as the wire carries it; errors that are not SlurpErrors stay inside (the asker gets a bare failure). */
function refusal (error: unknown): Record<string, unknown> {
  if (!(error instanceof SlurpError)) throw error
  return {
    ok: false,
    code: error.code,
    message: error.message,
    ...(error instanceof NotLeaderError && error.leader !== undefined ? { leader: error.leader } : {}),
    ...(error instanceof RetryLaterError ? { retryAfterMs: error.retryAfterMs } : {})
  }
}

/** The error a refusal names, as the coordinator threw it. */
function refusedWith (answer: Record<string, unknown>): Error {
  const code = typeof answer.code === 'string' ? answer.code : 'ERR_SLURP'
  const message = typeof answer.message === 'string' ? answer.message : 'refused'
  const retryAfterMs = typeof answer.retryAfterMs === 'number' && Number.isFinite(answer.retryAfterMs) ? Math.max(0, answer.retryAfterMs) : 0
  switch (code) {
    case 'ERR_NOT_LEADER': return new NotLeaderError(message, typeof answer.leader === 'string' ? answer.leader : undefined)
    case 'ERR_NO_LEADER': return new NoLeaderError(message, retryAfterMs)
    case 'ERR_LEADERSHIP_LOST': return new LeadershipLostError(message)
    case 'ERR_INVALID_QUEUE_COMMAND': return new InvalidQueueCommandError(message)
    case 'ERR_ABORTED': return new AbortError(message)
    // A voter that could not reach the leader it forwards to (it just died): another try goes elsewhere.
    case 'ERR_NETWORK': return new NetworkError(message)
  }
  const Known = errorClassForCode(code)
  return Known === undefined ? new CoordinatorRefusedError(message, code) : new Known(message)
}

/** Serves the coordinator protocol on `libp2p` until it unhandles COORDINATOR_PROTOCOL. */
export async function serveCoordinator (libp2p: Libp2p, handlers: CoordinatorHandlers): Promise<void> {
  await serveRequests(libp2p, COORDINATOR_PROTOCOL, async (bytes, signal, from) => {
    try {
      const request = parse(bytes, 'coordinator request')
      switch (request.op) {
        case 'submit':
          return encode({ ok: true, ack: await handlers.submit(request.request, { signal, from, forwarded: request.forwarded === true }) })
        case 'status':
          return encode({ ok: true, status: handlers.status() })
        case 'wait': {
          if (typeof request.requestId !== 'string' || request.requestId.length === 0) throw new InvalidQueueCommandError('requestId must be a non-empty string')
          const asked = typeof request.timeoutMs === 'number' && Number.isFinite(request.timeoutMs) ? request.timeoutMs : MAX_WAIT_MS
          const bound = AbortSignal.timeout(Math.max(0, Math.min(asked, MAX_WAIT_MS)))
          try {
            return encode({ ok: true, outcome: await handlers.wait(request.requestId, { signal: AbortSignal.any([signal, bound]) }) })
          } catch (error) {
            if (bound.aborted && !signal.aborted) return encode({ ok: true, pending: true })
            throw error
          }
        }
        default:
          throw new NetworkError(`unknown coordinator request ${JSON.stringify(request.op)}`)
      }
    } catch (error) {
      return encode(refusal(error))
    }
  })
}

/** Asks one coordinator; resolves with its answer, throws the error it named or NetworkError. */
async function ask (libp2p: Libp2p, peer: PeerId, request: Record<string, unknown>, signal: AbortSignal): Promise<Answer> {
  const answer = parse(await sendRequest(libp2p, peer, COORDINATOR_PROTOCOL, encode(request), { signal }), `coordinator answer from ${peer.toString()}`)
  if (answer.ok !== true) throw refusedWith(answer)
  return answer as Answer
}

function malformed (what: string, peer: PeerId): never {
  throw new NetworkError(`malformed ${what} from coordinator ${peer.toString()}`)
}

const STATES = new Set(['pending', 'in-flight', 'done', 'failed'])

function result (value: unknown, peer: PeerId): Ack['result'] {
  if (value === undefined) return undefined
  const form = value as Record<string, unknown> | null
  if (typeof form?.key !== 'string' || typeof form.version !== 'string' || typeof form.term !== 'number') malformed('result', peer)
  return { key: form.key, version: form.version, term: form.term }
}

export async function requestSubmit (libp2p: Libp2p, peer: PeerId, request: unknown, options: { signal: AbortSignal, forwarded?: boolean }): Promise<Ack> {
  const answer = await ask(libp2p, peer, { op: 'submit', request, ...(options.forwarded === true ? { forwarded: true } : {}) }, options.signal)
  const ack = answer.ack as Record<string, unknown> | null
  if (typeof ack?.requestId !== 'string' || typeof ack.canonicalId !== 'string' || typeof ack.term !== 'number' ||
    !['queued', 'duplicate', 'deduplicated'].includes(ack.outcome as string) || !STATES.has(ack.state as string)) malformed('acknowledgement', peer)
  const found = result(ack.result, peer)
  return {
    requestId: ack.requestId,
    canonicalId: ack.canonicalId,
    outcome: ack.outcome as Ack['outcome'],
    state: ack.state as Ack['state'],
    term: ack.term,
    ...(found === undefined ? {} : { result: found }),
    ...(typeof ack.failure === 'string' ? { failure: ack.failure } : {})
  }
}

export async function requestStatus (libp2p: Libp2p, peer: PeerId, options: { signal: AbortSignal }): Promise<CoordinatorStatus> {
  const status = (await ask(libp2p, peer, { op: 'status' }, options.signal)).status as Record<string, unknown> | null
  if (typeof status?.id !== 'string' || typeof status.role !== 'string' || typeof status.term !== 'number' || !Array.isArray(status.voters) ||
    typeof status.queue !== 'object' || status.queue === null) malformed('status', peer)
  return status as unknown as CoordinatorStatus
}

/** The request's outcome, or undefined when it was not finished within `timeoutMs` (at most MAX_WAIT_MS). */
export async function requestWait (libp2p: Libp2p, peer: PeerId, requestId: string, options: { signal: AbortSignal, timeoutMs?: number }): Promise<RequestOutcome | undefined> {
  const answer = await ask(libp2p, peer, { op: 'wait', requestId, timeoutMs: options.timeoutMs ?? MAX_WAIT_MS }, options.signal)
  if (answer.pending === true) return undefined
  const outcome = answer.outcome as Record<string, unknown> | null
  if (typeof outcome?.requestId !== 'string' || typeof outcome.canonicalId !== 'string' || (outcome.state !== 'done' && outcome.state !== 'failed')) malformed('outcome', peer)
  const found = result(outcome.result, peer)
  return {
    requestId: outcome.requestId,
    canonicalId: outcome.canonicalId,
    state: outcome.state,
    ...(found === undefined ? {} : { result: found }),
    ...(typeof outcome.failure === 'string' ? { failure: outcome.failure } : {})
  }
}
