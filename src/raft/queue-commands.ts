import { InvalidQueueCommandError } from '../errors.ts'

/** Claim order: urgent first, low last; within one priority, first come first served. */
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const
export type Priority = typeof PRIORITIES[number]

/**
 * A request to generate context for one address. `sourceHash` is what the
 * source must hash to; `sourceKey` where the leader reads it ('inline': in
 * the request itself, see `source`).
 */
export interface GenerationRequest {
  /** Chosen by the client; a retry reuses it, which is what makes retries safe. */
  readonly id: string
  readonly address: string
  /** The role the context is generated for. */
  readonly role: string
  readonly priority: Priority
  readonly sourceHash: string
  /** Where the leader reads the source: 'inline' (the `source` field), or a record's key. */
  readonly sourceKey: string
  /**
   * The source text itself, when it travels in the request. The log lives on
   * the voters only (members holding the leader role, over Noise streams),
   * never on relays; the queue drops it once the request is finished, so
   * snapshots hold only unfinished sources.
   */
  readonly source?: string
  /** Who asked: the member's certificate and its signature over the request (src/leader/requests.ts). */
  readonly requester?: { readonly certificate: string, readonly signature: string }
  readonly generatorVersion: string
  /** Requests that must be finished first (a directory's summary after its files). They must already be in the queue. */
  readonly dependsOn: readonly string[]
}

/** Where the generated record went: what a completion points to. */
export interface GenerationResult {
  readonly key: string
  readonly version: string
}

/**
 * The commands of the replicated generation queue. `term` in claim, complete,
 * fail and requeue is the leader term the work belongs to: the fencing token.
 */
export type QueueCommand =
  | { readonly type: 'request', readonly request: GenerationRequest }
  | { readonly type: 'claim', readonly term: number, readonly ids: readonly string[] }
  | { readonly type: 'complete', readonly term: number, readonly requestId: string, readonly result: GenerationResult }
  | { readonly type: 'fail', readonly term: number, readonly requestId: string, readonly reason: string, readonly retry: boolean }
  | { readonly type: 'requeue', readonly term: number, readonly ids: readonly string[] }

export const MAX_ID_LENGTH = 256
export const MAX_TEXT_LENGTH = 4096
export const MAX_IDS_PER_COMMAND = 1024
/** The largest source a request may carry, in UTF-16 code units (about 256 KiB of ASCII). */
export const MAX_SOURCE_LENGTH = 256 * 1024

function fail (message: string): never {
  throw new InvalidQueueCommandError(message)
}

function record (value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`)
  return value as Record<string, unknown>
}

function text (value: unknown, what: string, max = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) fail(`${what} must be a non-empty string of at most ${max} characters`)
  return value
}

function requesterOf (value: unknown): { certificate: string, signature: string } {
  const requester = record(value, 'requester')
  return { certificate: text(requester.certificate, 'requester certificate'), signature: text(requester.signature, 'requester signature', 128) }
}

function sourceText (value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_SOURCE_LENGTH) fail(`source must be a string of at most ${MAX_SOURCE_LENGTH} characters`)
  return value
}

function term (value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail('term must be a positive integer')
  return value
}

function ids (value: unknown, what: string, min: number): string[] {
  if (!Array.isArray(value) || value.length < min || value.length > MAX_IDS_PER_COMMAND) fail(`${what} must be a list of ${min} to ${MAX_IDS_PER_COMMAND} ids`)
  const list = value.map((id, i) => text(id, `${what}[${i}]`, MAX_ID_LENGTH))
  if (new Set(list).size !== list.length) fail(`${what} lists an id twice`)
  return list
}

/**
 * Checks a command from outside (a client, the log) and returns a clean copy
 * holding only the known fields. Throws InvalidQueueCommandError.
 */
export function parseQueueCommand (value: unknown): QueueCommand {
  const command = record(value, 'command')
  switch (command.type) {
    case 'request': {
      const request = record(command.request, 'request')
      const priority = request.priority
      if (!PRIORITIES.includes(priority as Priority)) fail(`priority must be one of ${PRIORITIES.join(', ')}`)
      const id = text(request.id, 'request id', MAX_ID_LENGTH)
      const dependsOn = ids(request.dependsOn ?? [], 'dependsOn', 0)
      if (dependsOn.includes(id)) fail('a request cannot depend on itself')
      return {
        type: 'request',
        request: {
          id,
          address: text(request.address, 'address'),
          role: text(request.role, 'role', MAX_ID_LENGTH),
          priority: priority as Priority,
          sourceHash: text(request.sourceHash, 'sourceHash', MAX_ID_LENGTH),
          sourceKey: text(request.sourceKey, 'sourceKey'),
          generatorVersion: text(request.generatorVersion, 'generatorVersion', MAX_ID_LENGTH),
          dependsOn,
          ...(request.source === undefined ? {} : { source: sourceText(request.source) }),
          ...(request.requester === undefined ? {} : { requester: requesterOf(request.requester) })
        }
      }
    }
    case 'claim':
    case 'requeue':
      return { type: command.type, term: term(command.term), ids: ids(command.ids, 'ids', 1) }
    case 'complete': {
      const result = record(command.result, 'result')
      return {
        type: 'complete',
        term: term(command.term),
        requestId: text(command.requestId, 'requestId', MAX_ID_LENGTH),
        result: { key: text(result.key, 'result key'), version: text(result.version, 'result version', MAX_ID_LENGTH) }
      }
    }
    case 'fail':
      if (typeof command.retry !== 'boolean') fail('retry must be a boolean')
      return {
        type: 'fail',
        term: term(command.term),
        requestId: text(command.requestId, 'requestId', MAX_ID_LENGTH),
        reason: typeof command.reason === 'string' ? command.reason.slice(0, MAX_TEXT_LENGTH) : 'failed',
        retry: command.retry
      }
    default:
      return fail(`unknown queue command type ${JSON.stringify(command.type)}`)
  }
}
