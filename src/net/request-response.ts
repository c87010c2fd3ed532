import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { NetworkError, SlurpError } from '../errors.ts'
import { FRAME_OVERHEAD_BYTES, MAX_MESSAGE_BYTES, inboundLimitsOf } from './inbound-limits.ts'
import type { InboundLimits } from './inbound-limits.ts'
import { RequestChannel, readFrames, sendFrame, untilAborted } from './request-channel.ts'
import type { Frame } from './request-frames.ts'
import { deadline } from './deadline.ts'
import type { Deadline } from './deadline.ts'

/**
 * Requests and answers, the shape of every slurp protocol (records, sync),
 * carried on request channels: one long-lived stream per peer and protocol,
 * many requests in flight on it. Faults can be injected on the sending side
 * for tests: delays, drops, partitions at the message level.
 */
export interface NetworkFaults {
  /** Runs before each request is sent: may delay it, or throw to drop it. */
  beforeRequest? (peer: PeerId, protocol: string): Promise<void> | void
}

export interface SendOptions {
  /** Without one, a request gives up after `timeoutMs`. */
  signal?: AbortSignal
  /** Default DEFAULT_REQUEST_TIMEOUT_MS; ignored when a signal is given. */
  timeoutMs?: number
  faults?: NetworkFaults
}

const INCOMING_TIMEOUT_MS = 15_000
// A peer whose connection died without a close (a browser tab's WebSocket to a
// stopped relay) would otherwise be waited on forever, and no fallback ever runs.
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000
/**
 * Requests one asking peer may have in flight on one channel. More is a peer
 * not waiting for answers; its channel is reset (it may open another).
 */
export const MAX_REQUESTS_IN_FLIGHT = 512

export type RequestHandler = (request: Uint8Array, signal: AbortSignal, from: PeerId) => Promise<Uint8Array>

/**
 * Answers `protocol` on request channels. What peers may send is bounded by
 * the node's inbound limits (see limitInbound), shared by every protocol the
 * node serves: set them before serving.
 */
export async function serveRequests (node: Libp2p, protocol: string, handle: RequestHandler, options: ServeOptions = {}): Promise<void> {
  await node.handle(protocol, (stream: Stream, connection) => {
    answerChannel(stream, connection.remotePeer, handle, inboundLimitsOf(node), options)
  }, { maxInboundStreams: 64, runOnLimitedConnection: false })
}

export interface ServeOptions {
  /**
   * The answer to a request over the sender's frame limit (read past, never
   * held): the protocol's own refusal, so the sender learns why. Without it
   * the sender gets a failure with the sizes.
   */
  readonly oversize?: (length: number, limit: number) => Uint8Array
}

/** The answering end of a request channel: each request handled as it arrives, answered with its id. */
function answerChannel (stream: Stream, from: PeerId, handle: RequestHandler, limits: InboundLimits, options: ServeOptions): void {
  const closed = new AbortController()
  let inFlight = 0
  const finishIfDone = (): void => {
    // The asker closed its end and every answer is out: close ours.
    if (inFlight === 0 && stream.remoteWriteStatus !== 'writable' && stream.status === 'open') {
      stream.close().catch(error => { stream.abort(error as Error) })
    }
  }
  // A stranger's frames stop at one record's size; larger ones are read past and refused.
  const maxFrameBytes = (): number => limits.trusted(from) ? MAX_MESSAGE_BYTES + FRAME_OVERHEAD_BYTES : limits.untrustedFrameBytes()
  const peer = from.toString()
  stream.addEventListener('close', () => { closed.abort(new NetworkError('request channel closed')) })
  stream.addEventListener('remoteCloseWrite', finishIfDone)
  readFrames(stream, frame => {
    if (frame.kind !== 'request') {
      stream.abort(new NetworkError(`a ${frame.kind} frame arrived where only requests are expected`))
      return
    }
    if (++inFlight > MAX_REQUESTS_IN_FLIGHT) {
      stream.abort(new NetworkError(`more than ${MAX_REQUESTS_IN_FLIGHT} requests in flight on one channel`))
      return
    }
    // A request waiting for its handler holds its bytes as an unfinished frame
    // did: from the same budget, so complete frames sent faster than they are
    // handled cannot take memory the budget denies to partial ones.
    const size = frame.payload.length
    const trusted = limits.trusted(from)
    if (!limits.budget.take(peer, size, trusted)) {
      inFlight--
      limits.budget.busy++
      const reason = 'the peer is busy: too many bytes of requests in flight, try again later'
      if (stream.writeStatus === 'writable') sendFrame(stream, { id: frame.id, kind: 'failure', payload: new TextEncoder().encode(reason) }).catch(error => { stream.abort(error as Error) })
      return
    }
    const bound = deadline(INCOMING_TIMEOUT_MS, closed.signal)
    answer(stream, frame, from, handle, bound.signal)
      .finally(() => { bound.clear(); limits.budget.give(peer, size, trusted); inFlight--; finishIfDone() })
  }, {
    maxFrameBytes,
    onSkipped: ({ id, kind }, length) => {
      if (kind !== 'request') {
        stream.abort(new NetworkError(`a ${kind} frame arrived where only requests are expected`))
        return
      }
      const limit = maxFrameBytes()
      const reply: Frame = options.oversize === undefined
        ? { id, kind: 'failure', payload: new TextEncoder().encode(`a request of ${length} bytes is over this peer's limit of ${limit}`) }
        : { id, kind: 'answer', payload: options.oversize(length, limit) }
      if (stream.writeStatus === 'writable') sendFrame(stream, reply).catch(error => { stream.abort(error as Error) })
    },
    frameDeadlineMs: limits.frameDeadlineMs,
    budget: { pool: limits.budget, peer, trusted: () => limits.trusted(from) }
  })
}

async function answer (stream: Stream, request: Frame, from: PeerId, handle: RequestHandler, signal: AbortSignal): Promise<void> {
  let reply: Frame
  try {
    reply = { id: request.id, kind: 'answer', payload: await handle(request.payload, signal, from) }
  } catch (error) {
    // The asker gets a reason rather than a silence it would wait out; what
    // went wrong inside (a storage error, say) stays here.
    const reason = error instanceof SlurpError ? error.message : 'the peer failed to handle the request'
    reply = { id: request.id, kind: 'failure', payload: new TextEncoder().encode(reason) }
  }
  if (signal.aborted || stream.writeStatus !== 'writable') return
  await sendFrame(stream, reply, signal).catch(error => { stream.abort(error as Error) })
}

/** Open channels of each node, by peer and protocol. */
const channelsByNode = new WeakMap<Libp2p, Map<string, Promise<RequestChannel>>>()

async function channelTo (node: Libp2p, peer: PeerId, protocol: string, signal: AbortSignal): Promise<RequestChannel> {
  let channels = channelsByNode.get(node)
  if (channels === undefined) channelsByNode.set(node, channels = new Map())
  const key = `${peer.toString()} ${protocol}`
  const known = channels.get(key)
  if (known !== undefined) {
    const channel = await untilAborted(known, signal).catch(() => { signal.throwIfAborted(); return undefined })
    if (channel?.usable === true) return channel
    // Closed, or never opened: another caller may have started a new one meanwhile.
    const current = channels.get(key)
    if (current !== undefined && current !== known) return await untilAborted(current, signal)
    channels.delete(key)
  }
  const forget = (): void => { if (channels.get(key) === opening) channels.delete(key) }
  // Not the caller's signal: others may wait on this opening too, and one
  // caller giving up must not fail theirs.
  const opening: Promise<RequestChannel> = node.dialProtocol(peer, protocol, { signal: AbortSignal.timeout(DEFAULT_REQUEST_TIMEOUT_MS) })
    .then(stream => new RequestChannel(stream, forget))
  channels.set(key, opening)
  // A failed open is forgotten at once, so the next request dials again.
  opening.catch(forget)
  return await untilAborted(opening, signal)
}

export async function sendRequest (node: Libp2p, peer: PeerId, protocol: string, request: Uint8Array, options: SendOptions = {}): Promise<Uint8Array> {
  const bound = options.signal === undefined ? deadline(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) : undefined
  const signal = options.signal ?? (bound as Deadline).signal
  try {
    await options.faults?.beforeRequest?.(peer, protocol)
    const channel = await channelTo(node, peer, protocol, signal)
    return await channel.request(request, signal)
  } catch (error) {
    if (error instanceof SlurpError && !(error instanceof NetworkError)) throw error
    throw new NetworkError(`${protocol} request to ${peer.toString()} failed: ${(error as Error).message}`, { cause: error })
  } finally {
    bound?.clear()
  }
}
