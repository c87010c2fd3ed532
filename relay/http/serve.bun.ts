import { UnsupportedRuntimeError, throwIfAborted } from '../../src/errors.ts'
import { resolveHttpLimits } from './connection-cap.ts'
import { closeOnAbort, serverUrl } from './serve-types.ts'
import type { FetchApp, HttpServer, ServeOptions } from './serve-types.ts'

// The slice of Bun's API used here, so no Bun type package is needed.
interface BunServer {
  readonly port: number
  requestIP (request: Request): { address: string } | null
  stop (closeActiveConnections?: boolean): Promise<void> | void
}
interface BunGlobal {
  serve (options: { hostname: string, port: number, idleTimeout?: number, fetch: (request: Request, server: BunServer) => Response | Promise<Response> }): BunServer
}

/**
 * Serves a fetch-style app (hono) with Bun.serve. Of ServeOptions.limits,
 * Bun.serve offers only an inactivity timeout (idleTimeout, whole seconds,
 * at most 255): it gets headersTimeoutMs, so a client that sends nothing for
 * that long is cut. Bun.serve has no connection cap and no per-request
 * deadline (a sender that trickles a byte a second is not cut): behind the
 * open internet, put a Bun relay's HTTP behind a proxy that caps connections,
 * or run the relay on Node.
 */
export async function serveHttp (app: FetchApp, options: ServeOptions): Promise<HttpServer> {
  throwIfAborted(options.signal)
  const bun = (globalThis as { Bun?: BunGlobal }).Bun
  if (bun === undefined) throw new UnsupportedRuntimeError('serve.bun.ts runs on Bun only')
  const server = bun.serve({
    hostname: options.hostname,
    port: options.port,
    idleTimeout: Math.min(255, Math.max(1, Math.round(resolveHttpLimits(options.limits).headersTimeoutMs / 1000))),
    // The client's address, for the gateway's per-address rate limit.
    fetch: async (request, bunServer) => await app.fetch(request, { remoteAddress: bunServer.requestIP(request)?.address })
  })
  let closing: Promise<void> | undefined
  // stop(false) lets requests in flight finish, like Node's close().
  const close = async (): Promise<void> => {
    closing ??= Promise.resolve(server.stop(false))
    await closing
  }
  const stopListening = closeOnAbort(options.signal, close)
  return {
    url: serverUrl(options.hostname, server.port),
    port: server.port,
    close: async () => {
      stopListening()
      await close()
    }
  }
}
