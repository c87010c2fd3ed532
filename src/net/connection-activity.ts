import type { Connection, Stream } from '@libp2p/interface'

/**
 * Protocols every connection speaks by itself (identify, ping): a connection
 * that opened nothing else is holding a slot without using it.
 */
export const HOUSEKEEPING_PROTOCOLS: ReadonlySet<string> = new Set(['', '/ipfs/id/1.0.0', '/ipfs/id/push/1.0.0', '/ipfs/ping/1.0.0'])

interface Activity {
  readonly opened: number
  /** The last stream the remote opened, of any protocol: it was alive then. */
  heard: number
  /** The last time a stream of a protocol that is not housekeeping was open. */
  used: number | undefined
}

/**
 * What each connection's remote did lately, learnt from the streams it opens
 * (libp2p's muxer announces every inbound stream; its protocol is known when
 * it closes) and from the streams open when asked. Used to prune connections
 * that hold a slot doing nothing, and to skip pinging connections whose
 * remote was just heard from.
 */
export class ConnectionActivity {
  private readonly activity = new WeakMap<Connection, Activity>()

  constructor (private readonly now: () => number = () => performance.now()) {}

  /** Starts following a connection (idempotent). */
  track (connection: Connection): void {
    if (this.activity.has(connection)) return
    const at = this.now()
    const entry: Activity = { opened: at, heard: at, used: undefined }
    this.activity.set(connection, entry)
    // Not part of libp2p's Connection interface, but every upgraded connection has one;
    // without it, only the streams open at each look count (see refresh()).
    const muxer = (connection as unknown as { muxer?: EventTarget }).muxer
    muxer?.addEventListener('stream', event => {
      entry.heard = this.now()
      const stream = (event as CustomEvent<Stream>).detail
      stream.addEventListener('close', () => {
        if (!HOUSEKEEPING_PROTOCOLS.has(stream.protocol ?? '')) entry.used = this.now()
      }, { once: true })
    })
  }

  /** Counts the streams open right now (long-lived ones, outbound ones) as use; returns the connection's activity. */
  refresh (connection: Connection): { opened: number, heard: number, used: number | undefined } {
    this.track(connection)
    const entry = this.activity.get(connection) as Activity
    if (connection.streams.some(stream => !HOUSEKEEPING_PROTOCOLS.has(stream.protocol ?? ''))) entry.used = this.now()
    return entry
  }

  /** When the remote last opened a stream (or the connection opened), on this clock; undefined for a connection not followed. */
  heard (connection: Connection): number | undefined {
    return this.activity.get(connection)?.heard
  }

  /** Milliseconds since the connection was last used for something other than housekeeping (or since it opened). */
  idleFor (connection: Connection): number {
    const entry = this.refresh(connection)
    return this.now() - (entry.used ?? entry.opened)
  }
}
