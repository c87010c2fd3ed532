/**
 * What every runtime's `serveHttp` (serve.node.ts, serve.bun.ts, serve.deno.ts,
 * picked by the `#serve` import condition) takes and returns.
 */
export interface FetchApp {
  fetch (request: Request, env?: ClientEnv): Response | Promise<Response>
}

/** What every runtime's server tells the app about a request's client (hono's `c.env`). */
export interface ClientEnv {
  /** The address of the TCP peer (no proxy header is believed). */
  readonly remoteAddress?: string | undefined
}

export interface ServeOptions {
  readonly hostname: string
  /** 0 picks a free port; the one chosen is in the result. */
  readonly port: number
  /** Closes the server when it fires. */
  readonly signal?: AbortSignal
  /** Connection caps and timeouts; defaults in connection-cap.ts. What each runtime honours: see its serve file. */
  readonly limits?: HttpLimits
}

/** How many connections an HTTP server holds, and how long a client may take. */
export interface HttpLimits {
  /** Connections held at once; past it the oldest is closed for the newcomer. Default 1,024. */
  readonly maxConnections?: number
  /** Connections one address (an IPv6 /64) may hold; loopback and private addresses only count in the total. Default 64. */
  readonly maxConnectionsPerIp?: number
  /** A request's headers must have arrived within this. Default 10 s. */
  readonly headersTimeoutMs?: number
  /** A whole request, headers and body, must have arrived within this. Default 30 s. */
  readonly requestTimeoutMs?: number
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  readonly keepAliveTimeoutMs?: number
}

export interface HttpServer {
  readonly url: string
  readonly port: number
  /** Idempotent; resolves once the listener is closed. */
  close (): Promise<void>
}

/**
 * The URL a local client can use: a wildcard listen address is not something
 * to connect to, so it is reported as the loopback address of its family.
 */
export function serverUrl (hostname: string, port: number): string {
  const host = hostname === '0.0.0.0' ? '127.0.0.1' : hostname === '::' ? '::1' : hostname
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** Runs `close` once, when `signal` fires; the returned function stops listening. */
export function closeOnAbort (signal: AbortSignal | undefined, close: () => Promise<void>): () => void {
  if (signal === undefined) return () => {}
  const onAbort = (): void => { close().catch(() => {}) }
  signal.addEventListener('abort', onAbort, { once: true })
  return () => signal.removeEventListener('abort', onAbort)
}
