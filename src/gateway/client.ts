import { AbortError, NetworkError, SlurpError, UsageError, throwIfAborted } from '../errors.ts'
import { encodeEnvelope } from '../record/envelope.ts'
import { decodeSiblings } from '../record/siblings.ts'
import { recordPath } from './record-key.ts'
import { errorFromResponse } from './response-error.ts'

/**
 * The relay's record gateway over plain HTTP, for programs that cannot run
 * libp2p. Web APIs only, so it runs in browsers too. The relay validates a
 * record sent here exactly as one arriving over the DHT; errors come back as
 * the same named classes.
 */
export interface GatewayOptions {
  readonly signal?: AbortSignal
  /** Another fetch (a test double, one with credentials); the global one by default. */
  readonly fetch?: typeof fetch
}

export interface GatewayPutResult {
  readonly outcome: 'stored' | 'replaced' | 'sibling' | 'duplicate'
  readonly siblings: number
}

const OUTCOMES = new Set(['stored', 'replaced', 'sibling', 'duplicate'])

/** Sends one signed record envelope to be stored under `key` (full key or its hash part). */
export async function putRecordViaGateway (baseUrl: string | URL, key: string, bytes: Uint8Array, options: GatewayOptions = {}): Promise<GatewayPutResult> {
  const url = recordUrl(baseUrl, key)
  const response = await send(url, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
    // A copy on its own ArrayBuffer: what fetch's types (and some runtimes) want as a body.
    body: new Uint8Array(bytes)
  }, options)
  if (!response.ok) throw await errorFromResponse(response, `gateway refused the record for ${key}`)
  const text = await read(url, options, async () => await response.text())
  const { outcome, siblings } = parseJson(text) as { outcome?: unknown, siblings?: unknown }
  if (typeof outcome !== 'string' || !OUTCOMES.has(outcome) || typeof siblings !== 'number') {
    throw new NetworkError('the gateway answered a put with something that is not a put result')
  }
  return { outcome: outcome as GatewayPutResult['outcome'], siblings }
}

/** Every version the relay holds for `key`, as encoded envelopes; NotFoundError when none. */
export async function getRecordsViaGateway (baseUrl: string | URL, key: string, options: GatewayOptions = {}): Promise<Uint8Array[]> {
  const url = recordUrl(baseUrl, key)
  const response = await send(url, { method: 'GET', headers: { accept: 'application/octet-stream' } }, options)
  if (!response.ok) throw await errorFromResponse(response, `gateway could not read ${key}`)
  const body = new Uint8Array(await read(url, options, async () => await response.arrayBuffer()))
  try {
    return decodeSiblings(body).map(encodeEnvelope)
  } catch (cause) {
    throw new NetworkError('the gateway answered with a body that is not a sibling set', { cause })
  }
}

/** Relative to the base, so a gateway mounted under a path prefix works too. */
function recordUrl (baseUrl: string | URL, key: string): URL {
  let base: URL
  try {
    base = new URL(baseUrl)
  } catch (cause) {
    throw new UsageError(`"${String(baseUrl)}" is not a gateway URL`, { cause })
  }
  if (!base.pathname.endsWith('/')) base.pathname += '/'
  return new URL(recordPath(key).slice(1), base)
}

async function send (url: URL, init: RequestInit, options: GatewayOptions): Promise<Response> {
  throwIfAborted(options.signal)
  const fetcher = options.fetch ?? globalThis.fetch
  const signal = options.signal === undefined ? {} : { signal: options.signal }
  return await read(url, options, async () => await fetcher(url, { ...init, ...signal }))
}

/** Runs one step of an exchange; a failure to connect or to read the body is a NetworkError. */
async function read<T> (url: URL, options: GatewayOptions, step: () => Promise<T>): Promise<T> {
  try {
    return await step()
  } catch (cause) {
    if (cause instanceof SlurpError) throw cause
    if (options.signal?.aborted === true) throw new AbortError('gateway request aborted', { cause: options.signal.reason })
    throw new NetworkError(`gateway ${url.origin} failed: ${(cause as Error).message}`, { cause })
  }
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text) ?? {}
  } catch {
    return {}
  }
}
