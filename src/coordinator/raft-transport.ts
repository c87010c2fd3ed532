import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { concatBytes } from '../encoding/bytes.ts'
import { NetworkError, UsageError } from '../errors.ts'
import { FrameAssembler } from '../net/frame-assembler.ts'
import { MAX_MESSAGE_BYTES, decodeMessage, encodeMessage } from '../raft/message-codec.ts'
import type { Transport } from '../raft/transport.ts'
import type { RaftMessage } from '../raft/types.ts'
import { frame, splitAppend } from './raft-frames.ts'

/**
 * Raft between voters: each opens one long-lived stream to each other voter
 * and only writes on it, length-prefixed frames of encodeMessage's JSON.
 */
export const RAFT_PROTOCOL = '/slurp/raft/1.0.0'

export interface RaftTransportInit<C> {
  /** Started, with this voter's identity. */
  libp2p: Libp2p
  /** Peer ids of every voter, this one included. */
  voters: readonly string[]
  /** Messages waiting for one peer; past it the oldest are dropped (the newest carry the freshest state). Default 1024. */
  maxQueuedMessages?: number
  /** Bytes waiting for one peer; past it the oldest are dropped. Default 64 MiB. */
  maxQueuedBytes?: number
  /** The largest message sent or accepted (a snapshot is the largest). Default the codec's 64 MiB. */
  maxMessageBytes?: number
  /** A dial that takes longer is given up, with what waited for it. Default 2 s. */
  dialTimeoutMs?: number
  /** After a dial failed, messages for that peer are dropped for this long rather than dialled for at every heartbeat. Default 200 ms. */
  redialMs?: number
  /** A stream that cannot take more bytes for this long is reset and dialled again. Default 5 s. */
  drainTimeoutMs?: number
  /** Sees each message accepted from a voter (`in`) and each handed to a stream (`out`). */
  observe?: (direction: 'in' | 'out', message: RaftMessage<C>) => void
}

export interface RaftTransportStats {
  /** Messages handed to a stream. */
  sent: number
  /** Messages dropped on the way out: queue full, dial failed, stream broke. */
  dropped: number
  /** Messages accepted from voters. */
  received: number
  /** Streams from non-voters, and messages that did not decode or claimed a sender or receiver they were not. */
  refused: number
}

interface Outbound { frames: Uint8Array[], bytes: number, stream: Stream | undefined, pumping: boolean, retryAt: number }

/**
 * The Transport a RaftNode uses on libp2p. `send` never throws and never
 * waits: messages queue per peer (bounded) and a pump writes them, dialling
 * when there is no stream; a failed dial drops what waited. Raft copes with
 * every loss this causes. Inbound messages must come from a voter and name
 * the peer that sent them as `from`: a voter cannot speak for another.
 */
export class RaftTransport<C = unknown> implements Transport<C> {
  readonly stats: RaftTransportStats = { sent: 0, dropped: 0, received: 0, refused: 0 }
  private readonly self: string
  private readonly voters: ReadonlySet<string>
  private readonly outbound = new Map<string, Outbound>()
  private readonly inbound = new Set<Stream>()
  private readonly handlers = new Set<(message: RaftMessage<C>) => void>()
  private readonly lifetime = new AbortController()
  private readonly maxQueuedMessages: number
  private readonly maxQueuedBytes: number
  private readonly maxMessageBytes: number
  private started = false
  private stopped = false

  constructor (private readonly init: RaftTransportInit<C>) {
    this.self = init.libp2p.peerId.toString()
    this.voters = new Set(init.voters)
    if (!this.voters.has(this.self)) throw new UsageError(`this node (${this.self}) is not one of the voters`)
    for (const voter of this.voters) if (voter !== this.self) peerIdFromString(voter) // throws on a malformed id, now rather than at the first send
    this.maxQueuedMessages = init.maxQueuedMessages ?? 1024
    this.maxQueuedBytes = init.maxQueuedBytes ?? 64 * 1024 * 1024
    this.maxMessageBytes = init.maxMessageBytes ?? MAX_MESSAGE_BYTES
  }

  /** Starts answering the protocol. Idempotent. */
  async start (): Promise<void> {
    if (this.started || this.stopped) return
    this.started = true
    await this.init.libp2p.handle(RAFT_PROTOCOL, (stream, connection) => { this.accept(stream, connection) }, {
      maxInboundStreams: 4,
      runOnLimitedConnection: false
    })
  }

  /** Stops answering, resets every stream and drops what waits. Idempotent. */
  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.lifetime.abort(new NetworkError('raft transport stopped'))
    this.handlers.clear()
    const closed = new NetworkError('raft transport stopped')
    for (const out of this.outbound.values()) {
      out.stream?.abort(closed)
      out.frames = []
    }
    for (const stream of this.inbound) stream.abort(closed)
    this.inbound.clear()
    if (this.started) await this.init.libp2p.unhandle(RAFT_PROTOCOL).catch(() => {})
  }

  onMessage (handler: (message: RaftMessage<C>) => void): () => void {
    this.handlers.add(handler)
    return () => { this.handlers.delete(handler) }
  }

  send (to: string, message: RaftMessage<C>): void {
    if (this.stopped || to === this.self || !this.voters.has(to)) return
    let body: Uint8Array
    try {
      body = encodeMessage(message)
    } catch {
      this.stats.dropped++
      return
    }
    if (body.length > this.maxMessageBytes) {
      // Entries carry sources inline: a batch over the limit goes as two
      // AppendEntries, each valid on its own (the second's previous entry is
      // the first's last). Anything else that large cannot be sent at all.
      const halves = message.type === 'append' ? splitAppend(message) : undefined
      if (halves === undefined) this.stats.dropped++
      else for (const half of halves) this.send(to, half)
      return
    }
    this.enqueue(to, message, body)
  }

  private enqueue (to: string, message: RaftMessage<C>, body: Uint8Array): void {
    let out = this.outbound.get(to)
    if (out === undefined) this.outbound.set(to, out = { frames: [], bytes: 0, stream: undefined, pumping: false, retryAt: -Infinity })
    const bytes = frame(body)
    out.frames.push(bytes)
    out.bytes += bytes.length
    while (out.frames.length > 1 && (out.frames.length > this.maxQueuedMessages || out.bytes > this.maxQueuedBytes)) {
      out.bytes -= (out.frames.shift() as Uint8Array).length
      this.stats.dropped++
    }
    this.init.observe?.('out', message)
    if (!out.pumping) this.pump(to, out).catch(() => {})
  }

  /** Writes what waits for `to`, one batch per write, until nothing does. One pump per peer at a time. */
  private async pump (to: string, out: Outbound): Promise<void> {
    out.pumping = true
    try {
      while (out.frames.length > 0 && !this.stopped) {
        const stream = await this.streamTo(to, out)
        if (stream === undefined) {
          this.stats.dropped += out.frames.length
          out.frames = []
          out.bytes = 0
          return
        }
        const batch = out.frames
        out.frames = []
        out.bytes = 0
        try {
          // One write for everything queued: a muxer frame (and a window update back) per write, not per message.
          const ready = stream.send(batch.length === 1 ? batch[0] as Uint8Array : concatBytes(...batch))
          this.stats.sent += batch.length
          if (!ready) await stream.onDrain({ signal: AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.init.drainTimeoutMs ?? 5000)]) })
        } catch (error) {
          // A stream that broke or stalled is replaced at the next message; what it held is lost, as Raft allows.
          stream.abort(error instanceof Error ? error : new NetworkError('raft stream failed'))
          if (out.stream === stream) out.stream = undefined
        }
      }
    } finally {
      out.pumping = false
    }
  }

  private async streamTo (to: string, out: Outbound): Promise<Stream | undefined> {
    const held = out.stream
    if (held !== undefined && held.status === 'open' && held.writeStatus === 'writable') return held
    out.stream = undefined
    if (performance.now() < out.retryAt) return undefined
    try {
      const signal = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.init.dialTimeoutMs ?? 2000)])
      const stream = await this.init.libp2p.dialProtocol(peerIdFromString(to), RAFT_PROTOCOL, { signal })
      if (this.stopped) {
        stream.abort(new NetworkError('raft transport stopped'))
        return undefined
      }
      stream.addEventListener('close', () => { if (out.stream === stream) out.stream = undefined })
      out.stream = stream
      return stream
    } catch {
      out.retryAt = performance.now() + (this.init.redialMs ?? 200)
      return undefined
    }
  }

  private accept (stream: Stream, connection: Connection): void {
    const remote = connection.remotePeer.toString()
    if (this.stopped || remote === this.self || !this.voters.has(remote)) {
      this.stats.refused++
      stream.abort(new NetworkError(`${remote} is not a voter`))
      return
    }
    this.inbound.add(stream)
    const assembler = new FrameAssembler(() => this.maxMessageBytes)
    // A snapshot may arrive while the stream is paused; past this the stream is reset.
    stream.maxReadBufferLength = Math.max(stream.maxReadBufferLength, this.maxMessageBytes + 16)
    stream.addEventListener('close', () => { this.inbound.delete(stream) })
    stream.addEventListener('message', event => {
      const chunk = event.data instanceof Uint8Array ? event.data : event.data.subarray()
      let bodies: Uint8Array[]
      try {
        bodies = assembler.push(chunk) as Uint8Array[]
      } catch (error) {
        // Over the size limit, or not frames at all: nothing after it starts where a frame starts.
        this.stats.refused++
        stream.abort(error as Error)
        return
      }
      for (const body of bodies) this.receive(remote, body)
    })
  }

  private receive (remote: string, body: Uint8Array): void {
    let message: RaftMessage<C>
    try {
      message = decodeMessage<C>(body)
    } catch {
      this.stats.refused++
      return
    }
    // The connection's peer id is proved by the Noise handshake; `from` is only what the sender wrote.
    if (message.from !== remote || message.to !== this.self) {
      this.stats.refused++
      return
    }
    this.stats.received++
    this.init.observe?.('in', message)
    for (const handler of this.handlers) handler(message)
  }
}
