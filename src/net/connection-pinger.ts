import { byteStream } from '@libp2p/utils'
import type { Connection, Stream } from '@libp2p/interface'
import type { ConnectionActivity } from './connection-activity.ts'

export const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_LENGTH = 32

export interface ConnectionPingerInit {
  /** Each connection is checked about this often. Default 15 s. */
  readonly intervalMs?: number
  /** A ping that takes longer fails, and its connection is aborted. Default 10 s. */
  readonly timeoutMs?: number
  /** Pings in flight at once. Default 16. */
  readonly concurrency?: number
  /** How often due connections are looked for. Default 250 ms. */
  readonly tickMs?: number
  /** Milliseconds on a monotonic clock; injectable for tests. */
  readonly now?: () => number
  /** In [0, 1); spreads first pings over the interval. Injectable for tests. */
  readonly random?: () => number
}

/** What the pinger needs of the node. */
export interface PingerContext {
  connections (): Connection[]
  /** When each connection's remote last opened a stream (it was alive then). */
  readonly activity?: ConnectionActivity
}

/**
 * Finds dead connections without stalling the relay. js-libp2p's connection
 * monitor pings every connection in the same timer callback every 10 s: with
 * hundreds of connections that is hundreds of stream opens, handshakes and
 * writes in one turn of the event loop (200–400 ms stalls, issue 14 §1). This
 * gives each connection its own phase in the interval, pings a bounded number
 * at a time, and skips connections whose remote opened a stream within the
 * interval (most peers ping the relay themselves). A ping that fails aborts
 * its connection, as libp2p's monitor does; a peer that does not speak ping
 * answered the protocol negotiation, which proves it alive.
 */
export class ConnectionPinger {
  readonly intervalMs: number
  readonly timeoutMs: number
  readonly concurrency: number
  private readonly tickMs: number
  private readonly now: () => number
  private readonly random: () => number
  private readonly due = new WeakMap<Connection, number>()
  /** Pings in flight, each with its own controller (stop() aborts them). */
  private readonly inFlight = new Map<Connection, AbortController>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** After stop(), pings that fail (aborted by it) leave their connections alone. */
  private stopped = false
  /** Pings sent, skipped (remote heard from lately) and failed (connection aborted). */
  readonly counts = { sent: 0, skipped: 0, failed: 0 }

  constructor (private readonly context: PingerContext, init: ConnectionPingerInit = {}) {
    this.intervalMs = init.intervalMs ?? 15_000
    this.timeoutMs = init.timeoutMs ?? 10_000
    this.concurrency = Math.max(1, init.concurrency ?? 16)
    this.tickMs = init.tickMs ?? 250
    this.now = init.now ?? (() => performance.now())
    this.random = init.random ?? Math.random
  }

  /** Idempotent. */
  start (): void {
    if (this.timer !== undefined) return
    this.stopped = false
    // setInterval treats anything above 2^31 - 1 ms as 1 ms.
    this.timer = setInterval(() => { this.tick() }, Math.min(this.tickMs, 2 ** 31 - 1))
  }

  /** Idempotent; pings in flight are abandoned (their connections are left alone). */
  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
    this.stopped = true
    for (const controller of this.inFlight.values()) controller.abort()
  }

  /** When `connection` is next due, on the pinger's clock (undefined before the first tick saw it). */
  dueAt (connection: Connection): number | undefined {
    return this.due.get(connection)
  }

  /**
   * One look: schedules new connections at a random phase of the interval,
   * and pings those due, at most `concurrency` at a time. Returns the pings
   * started, for tests (each resolves when its ping ends).
   */
  tick (): Array<Promise<void>> {
    const now = this.now()
    const started: Array<Promise<void>> = []
    for (const connection of this.context.connections()) {
      if (connection.status !== 'open') continue
      const due = this.due.get(connection)
      if (due === undefined) {
        this.due.set(connection, now + this.random() * this.intervalMs)
        continue
      }
      if (due > now || this.inFlight.has(connection)) continue
      const heard = this.context.activity?.heard(connection)
      if (heard !== undefined && now - heard < this.intervalMs) {
        this.counts.skipped++
        this.due.set(connection, heard + this.intervalMs)
        continue
      }
      if (this.inFlight.size >= this.concurrency) break
      started.push(this.ping(connection))
    }
    return started
  }

  private async ping (connection: Connection): Promise<void> {
    // One controller per ping, not a signal combined with a shared one: hundreds
    // of pings would each leave a listener on the shared signal.
    const controller = new AbortController()
    const signal = controller.signal
    const timer = setTimeout(() => { controller.abort(new Error(`ping timed out after ${this.timeoutMs} ms`)) }, this.timeoutMs)
    this.inFlight.set(connection, controller)
    this.counts.sent++
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(PING_PROTOCOL, { signal, runOnLimitedConnection: true })
      const bytes = byteStream(stream)
      const started = this.now()
      await Promise.all([
        bytes.write(crypto.getRandomValues(new Uint8Array(PING_LENGTH)), { signal }),
        bytes.read({ bytes: PING_LENGTH, signal })
      ])
      connection.rtt = this.now() - started
      await stream.close({ signal })
    } catch (error) {
      stream?.abort(error as Error)
      if ((error as Error).name !== 'UnsupportedProtocolError' && !this.stopped) {
        this.counts.failed++
        connection.abort(error as Error)
      }
    } finally {
      clearTimeout(timer)
      this.inFlight.delete(connection)
      // A little jitter, so connections opened together drift apart.
      this.due.set(connection, this.now() + this.intervalMs * (0.9 + 0.2 * this.random()))
    }
  }
}
