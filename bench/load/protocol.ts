/**
 * The messages between the load bench (run.ts) and its child processes, over
 * Node's IPC channel. Times are epoch milliseconds, durations milliseconds.
 */

export type Target = 'slurp' | 'vanilla'

/** One record a slurp client puts and reads back: its DHT key and its signed envelope (base64). */
export interface ClientRecord {
  readonly key: string
  readonly bytes: string
}

export interface ClientStart {
  readonly type: 'start'
  readonly target: Target
  /** The relay's multiaddr, with /p2p/. */
  readonly relay: string
  /** Index of this process's first client (names and records). */
  readonly first: number
  readonly clients: number
  /** New clients this process starts per second. */
  readonly rampPerSecond: number
  /** Each client runs one operation about this often. */
  readonly opIntervalMs: number
  /** How often each client's connection monitor pings the relay (undefined: js-libp2p's default, 10 s). */
  readonly pingIntervalMs?: number
  /** Slurp only: a record per client of this process, in order (the first is client `first`'s). */
  readonly records?: readonly ClientRecord[]
}

export interface FloodStart {
  readonly type: 'flood'
  readonly relay: string
  /** Fresh connections per second. */
  readonly rate: number
  /** How long each is kept before it is closed. */
  readonly holdMs: number
}

export type OpKind = 'dht' | 'get' | 'put'

/** What a client process reports every couple of seconds (samples since the last report). */
export interface ClientReport {
  readonly type: 'report'
  readonly connected: number
  /** Clients that gave up dialling the relay. */
  readonly refused: number
  /** Dial attempts that failed (each client tries up to eight times, backing off from 1 s to 8 s). */
  readonly failedDials: number
  /** Connections to the relay that closed while the client ran. */
  readonly dropped: number
  /** [epoch ms at the end, duration ms, kind index in OP_KINDS] per finished operation. */
  readonly samples: ReadonlyArray<readonly [number, number, number]>
  /** Failed operations since the last report, by kind and error name. */
  readonly errors: Readonly<Record<string, number>>
  readonly rss: number
  /** p99 of this process's event-loop delay since the last report. */
  readonly lagP99Ms: number
}

export interface FloodReport {
  readonly type: 'flood-report'
  readonly attempted: number
  /** Dials that opened a connection which stayed open until the flood closed it. */
  readonly admitted: number
  /** Dials that failed, or whose connection the relay closed first. */
  readonly refused: number
  readonly errors: Readonly<Record<string, number>>
}

export const OP_KINDS: readonly OpKind[] = ['dht', 'get', 'put']

export interface HealthStart {
  readonly type: 'health'
  /** The relay's /health URL. */
  readonly url: string
  readonly intervalMs: number
}

export interface HealthReport {
  readonly type: 'health-report'
  /** [epoch ms at the end, duration ms, answered 2xx] per probe since the last report. */
  readonly samples: ReadonlyArray<readonly [number, number, boolean]>
  /** p99 of the prober's own event-loop delay since the last report. */
  readonly lagP99Ms: number
}

/**
 * Event-loop delay is sampled with a 10 ms timer (here and in prom-client's
 * default metrics); Node's histogram records each gap between its runs, so an
 * idle loop reads 10 ms. What is reported is the delay beyond that.
 */
export const LAG_RESOLUTION_MS = 10

export function lagBeyondTimer (gapMs: number): number {
  return Math.max(0, gapMs - LAG_RESOLUTION_MS)
}
