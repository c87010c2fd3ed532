import { lpStream } from '@libp2p/utils'
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { NetworkError, SlurpError } from '../errors.ts'

/**
 * One request, one response, per stream, length-prefixed: the shape of every
 * slurp protocol (records, sync). Faults can be injected on the sending side
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

export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024
const INCOMING_TIMEOUT_MS = 15_000
// A peer whose connection died without a close (a browser tab's WebSocket to a
// stopped relay) would otherwise be waited on forever, and no fallback ever runs.
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

export async function serveRequests (node: Libp2p, protocol: string, handle: (request: Uint8Array, signal: AbortSignal, from: PeerId) => Promise<Uint8Array>): Promise<void> {
  await node.handle(protocol, async (stream: Stream, connection) => {
    const signal = AbortSignal.timeout(INCOMING_TIMEOUT_MS)
    try {
      const messages = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
      const request = (await messages.read({ signal })).subarray()
      await messages.write(await handle(request, signal, connection.remotePeer), { signal })
      await stream.close({ signal })
    } catch (error) {
      stream.abort(error as Error)
    }
  }, { maxInboundStreams: 256, runOnLimitedConnection: false })
}

export async function sendRequest (node: Libp2p, peer: PeerId, protocol: string, request: Uint8Array, options: SendOptions = {}): Promise<Uint8Array> {
  let stream: Stream | undefined
  options = { ...options, signal: options.signal ?? AbortSignal.timeout(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) }
  try {
    await options.faults?.beforeRequest?.(peer, protocol)
    stream = await node.dialProtocol(peer, protocol, options)
    const messages = lpStream(stream, { maxDataLength: MAX_MESSAGE_BYTES })
    await messages.write(request, options)
    const response = (await messages.read(options)).subarray()
    await stream.close(options).catch(() => {})
    return response
  } catch (error) {
    stream?.abort(error as Error)
    if (error instanceof SlurpError) throw error
    throw new NetworkError(`${protocol} request to ${peer.toString()} failed: ${(error as Error).message}`, { cause: error })
  }
}
