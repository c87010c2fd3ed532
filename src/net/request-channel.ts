import type { Stream } from '@libp2p/interface'
import { NetworkError } from '../errors.ts'
import { FrameAssembler, SkippedFrame } from './frame-assembler.ts'
import { DEFAULT_FRAME_DEADLINE_MS, FRAME_OVERHEAD_BYTES, MAX_MESSAGE_BYTES } from './inbound-limits.ts'
import type { PartialBytesBudget } from './partial-budget.ts'
import { MAX_FRAME_ID, decodeFrame, encodeFrame } from './request-frames.ts'
import type { Frame } from './request-frames.ts'

export { MAX_MESSAGE_BYTES }
/**
 * A channel nobody used for this long is closed (the next request opens a new
 * one), so idle peers hold no streams.
 */
export const CHANNEL_IDLE_MS = 30_000

export interface ReadLimits {
  /** The largest frame accepted, read as each frame begins. Default MAX_MESSAGE_BYTES plus overhead. */
  readonly maxFrameBytes?: () => number
  /**
   * Frames over maxFrameBytes and up to MAX_MESSAGE_BYTES plus overhead are
   * read past without being held, and reported here with their id and kind (so
   * the sender can be told why); longer ones reset the stream. Without it
   * every frame over maxFrameBytes resets the stream.
   */
  readonly onSkipped?: (frame: Omit<Frame, 'payload'>, length: number) => void
  /** A frame begun must be finished within this, or the stream is reset. Default 30 s. */
  readonly frameDeadlineMs?: number
  /**
   * Shared with the node's other streams: what this stream holds of an
   * unfinished frame is taken from it, as a trusted peer's or not (asked as
   * each chunk arrives: a relay's certificate may be checked after its stream opened).
   */
  readonly budget?: { readonly pool: PartialBytesBudget, readonly peer: string, readonly trusted: () => boolean }
}

/**
 * Calls `onFrame` for every frame that arrives on `stream`. A stream that
 * carries something that is not a frame, a frame over its limit, more
 * unfinished bytes than the budget has room for, or a frame it does not finish
 * in time, is aborted: nothing after it can be trusted to start where a frame
 * starts, and what it holds is given back.
 */
export function readFrames (stream: Stream, onFrame: (frame: Frame) => void, limits: ReadLimits = {}): void {
  const assembler = new FrameAssembler({
    maxFrameBytes: limits.maxFrameBytes ?? (() => MAX_MESSAGE_BYTES + FRAME_OVERHEAD_BYTES),
    ...(limits.onSkipped === undefined ? {} : { skipUpTo: MAX_MESSAGE_BYTES + FRAME_OVERHEAD_BYTES })
  })
  const deadlineMs = limits.frameDeadlineMs ?? DEFAULT_FRAME_DEADLINE_MS
  const budget = limits.budget
  let held = 0
  let heldTrusted = false
  let deadline: ReturnType<typeof setTimeout> | undefined
  let done = false
  const release = (): void => {
    clearTimeout(deadline)
    deadline = undefined
    budget?.pool.give(budget.peer, held, heldTrusted)
    held = 0
  }
  const fail = (error: Error, why?: keyof PartialBytesBudget['resets']): void => {
    if (done) return
    done = true
    release()
    if (why !== undefined && budget !== undefined) budget.pool.resets[why]++
    stream.abort(error)
  }
  /** Holds `bytes` in all, as a trusted peer's or not; false (and the stream failed) when the budget has no room. */
  const hold = (bytes: number, trusted: boolean): boolean => {
    if (budget === undefined) {
      held = bytes
      return true
    }
    if (trusted !== heldTrusted) {
      // The peer was certified (or lost it) since: its bytes change class.
      budget.pool.give(budget.peer, held, heldTrusted)
      const moved = budget.pool.take(budget.peer, held, trusted)
      heldTrusted = trusted
      if (!moved) held = 0
    }
    if (bytes > held && !budget.pool.take(budget.peer, bytes - held, trusted)) {
      fail(new NetworkError('unfinished frames over this node\'s budget'), 'budget')
      return false
    }
    if (bytes < held) budget.pool.give(budget.peer, held - bytes, trusted)
    held = bytes
    return true
  }
  // Frames whose unread rest is waiting in a paused stream count against the
  // stream's own buffer: past it the stream is reset rather than grown forever.
  stream.maxReadBufferLength = 2 * MAX_MESSAGE_BYTES
  stream.addEventListener('close', () => { done = true; release() })
  stream.addEventListener('message', event => {
    if (done) return
    const chunk = event.data instanceof Uint8Array ? event.data : event.data.subarray()
    const trusted = budget?.trusted() ?? true
    const before = assembler.inFrame
    let bodies: Array<Uint8Array | SkippedFrame>
    try {
      bodies = assembler.push(chunk)
    } catch (error) {
      fail(new NetworkError(`malformed request channel frame: ${(error as Error).message}`, { cause: error }), 'tooLarge')
      return
    }
    // The chunk is in memory already (the muxer's window bounds it); what the
    // budget governs is what stays: the assembler's unfinished frame. A chunk
    // that would leave more than the budget has room for resets this stream.
    if (!hold(assembler.pending, trusted)) return
    // The deadline runs from a frame's first byte to its last.
    if (!assembler.inFrame || bodies.length > 0 || !before) {
      clearTimeout(deadline)
      deadline = undefined
    }
    if (assembler.inFrame && deadline === undefined) {
      deadline = setTimeout(() => { fail(new NetworkError(`a frame was not finished within ${deadlineMs} ms`), 'deadline') }, deadlineMs)
      // A slow peer must not keep a process alive.
      ;(deadline as { unref?: () => void }).unref?.()
    }
    for (const body of bodies) {
      if (done) return
      try {
        if (body instanceof SkippedFrame) {
          const { id, kind } = decodeFrame(body.head)
          limits.onSkipped?.({ id, kind }, body.length)
        } else {
          onFrame(decodeFrame(body))
        }
      } catch (error) {
        fail(new NetworkError(`malformed request channel frame: ${(error as Error).message}`, { cause: error }))
        return
      }
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
