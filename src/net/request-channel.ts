import { LengthPrefixedDecoder } from '@libp2p/utils'
import type { Stream } from '@libp2p/interface'
import { NetworkError } from '../errors.ts'
import { MAX_FRAME_ID, decodeFrame, encodeFrame } from './request-frames.ts'
import type { Frame } from './request-frames.ts'

/** The largest request or answer a channel carries. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024
/**
 * A channel nobody used for this long is closed (the next request opens a new
 * one), so idle peers hold no streams.
 */
export const CHANNEL_IDLE_MS = 30_000

/**
 * Calls `onFrame` for every frame that arrives on `stream`. A stream that
 * carries something that is not a frame is aborted: nothing after it can be
 * trusted to start where a frame starts.
 */
export function readFrames (stream: Stream, onFrame: (frame: Frame) => void): void {
  // A frame holds one message plus its id and kind: a few bytes over the limit.
  const decoder = new LengthPrefixedDecoder({ maxDataLength: MAX_MESSAGE_BYTES + 16, maxBufferSize: 2 * MAX_MESSAGE_BYTES })
  // A paused stream (unread frames past this) is reset rather than grown forever.
  stream.maxReadBufferLength = 2 * MAX_MESSAGE_BYTES
  stream.addEventListener('message', event => {
    try {
      for (const body of decoder.decode(event.data)) onFrame(decodeFrame(body.subarray()))
    } catch (error) {
      stream.abort(new NetworkError(`malformed request channel frame: ${(error as Error).message}`, { cause: error }))
    }
  })
}

/** Queues a frame; resolves once the stream can take more (backpressure). */
export async function sendFrame (stream: Stream, frame: Frame, signal?: AbortSignal): Promise<void> {
  if (!stream.send(encodeFrame(frame))) await stream.onDrain({ signal })
}

/** `promise`, or the signal's reason if it aborts first. */
export async function untilAborted<T> (promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  let onAbort = (): void => {}
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([promise, aborted])
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}

interface Waiter {
  resolve: (answer: Uint8Array) => void
  reject: (error: Error) => void
}

/**
 * The asking end of a request channel: one long-lived stream to one peer for
 * one protocol, carrying any number of requests at once. Opening a stream per
 * request cost more than most requests do (a muxer stream, protocol
 * negotiation, and a peer-store write on both ends).
 */
export class RequestChannel {
  private readonly waiting = new Map<number, Waiter>()
  private nextId = 0
  private failure: Error | undefined
  private idleTimer: ReturnType<typeof setTimeout> | undefined

  constructor (private readonly stream: Stream, private readonly onClosed: () => void, private readonly idleMs = CHANNEL_IDLE_MS) {
    readFrames(stream, frame => { this.settle(frame) })
    stream.addEventListener('close', event => {
      this.shutDown(new NetworkError(`request channel closed${event.error === undefined ? '' : `: ${event.error.message}`}`, { cause: event.error }))
    })
    this.armIdleTimer()
  }

  /** False once the stream closed or failed: ask for a new channel. */
  get usable (): boolean {
    return this.failure === undefined && this.stream.status === 'open' && this.stream.writeStatus === 'writable'
  }

  async request (payload: Uint8Array, signal: AbortSignal): Promise<Uint8Array> {
    if (!this.usable) throw this.failure ?? new NetworkError('request channel closed')
    signal.throwIfAborted()
    const id = this.takeId()
    clearTimeout(this.idleTimer)
    const answer = new Promise<Uint8Array>((resolve, reject) => { this.waiting.set(id, { resolve, reject }) })
    // A channel that closes while the send is still waiting rejects an answer nobody awaits yet.
    answer.catch(() => {})
    try {
      await sendFrame(this.stream, { id, kind: 'request', payload }, signal)
      return await untilAborted(answer, signal)
    } finally {
      this.waiting.delete(id)
      if (this.waiting.size === 0 && this.failure === undefined) this.armIdleTimer()
    }
  }

  /** Closes the stream once nothing is waiting; closing twice is harmless. */
  close (): void {
    this.shutDown(new NetworkError('request channel closed'))
  }

  private takeId (): number {
    do this.nextId = this.nextId >= MAX_FRAME_ID ? 1 : this.nextId + 1
    while (this.waiting.has(this.nextId))
    return this.nextId
  }

  private settle (frame: Frame): void {
    const waiter = this.waiting.get(frame.id)
    // An answer to a request given up on (timed out, aborted) is dropped.
    if (waiter === undefined) return
    if (frame.kind === 'answer') waiter.resolve(frame.payload)
    else if (frame.kind === 'failure') waiter.reject(new NetworkError(`the peer could not answer: ${new TextDecoder().decode(frame.payload)}`))
    else this.stream.abort(new NetworkError('the peer sent a request on an asking channel'))
  }

  private armIdleTimer (): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => { if (this.waiting.size === 0) this.close() }, this.idleMs)
    // An idle channel must not keep a process alive.
    ;(this.idleTimer as { unref?: () => void }).unref?.()
  }

  private shutDown (reason: Error): void {
    if (this.failure !== undefined) return
    this.failure = reason
    clearTimeout(this.idleTimer)
    this.onClosed()
    for (const waiter of this.waiting.values()) waiter.reject(reason)
    this.waiting.clear()
    if (this.stream.status === 'open') this.stream.close().catch(error => { this.stream.abort(error as Error) })
  }
}
