import { UnsupportedRuntimeError, throwIfAborted } from '../../src/errors.ts'
import { closeOnAbort, serverUrl } from './serve-types.ts'
import type { FetchApp, HttpServer, ServeOptions } from './serve-types.ts'

// The slice of Deno's API used here, so no Deno type package is needed.
interface DenoServer {
  readonly addr: { readonly port: number }
  readonly finished: Promise<void>
  shutdown (): Promise<void>
}
interface DenoGlobal {
  serve (options: { hostname: string, port: number, onListen?: (addr: { port: number }) => void }, handler: (request: Request, info: { remoteAddr?: { hostname?: string } }) => Response | Promise<Response>): DenoServer
}

/**
 * Serves a fetch-style app (hono) with Deno.serve. ServeOptions.limits is not
 * honoured: Deno.serve offers no connection cap, header or request timeout to
 * set. Behind the open internet, put a Deno relay's HTTP behind a proxy that
 * caps connections and times out slow clients, or run the relay on Node.
 */
export async function serveHttp (app: FetchApp, options: ServeOptions): Promise<HttpServer> {
  throwIfAborted(options.signal)
  const deno = (globalThis as { Deno?: DenoGlobal }).Deno
  if (deno === undefined) throw new UnsupportedRuntimeError('serve.deno.ts runs on Deno only')
  const server = deno.serve({
    hostname: options.hostname,
    port: options.port,
    // Deno prints "Listening on …" unless told otherwise; the caller reports the URL.
    onListen: () => {}
  // The client's address, for the gateway's per-address rate limit.
  }, async (request, info) => await app.fetch(request, { remoteAddress: info.remoteAddr?.hostname }))
  const port = server.addr.port
  let closing: Promise<void> | undefined
  // shutdown() stops accepting and waits for requests in flight.
  const close = async (): Promise<void> => {
    closing ??= server.shutdown().then(async () => await server.finished)
    await closing
  }
  const stopListening = closeOnAbort(options.signal, close)
  return {
    url: serverUrl(options.hostname, port),
    port,
    close: async () => {
      stopListening()
      await close()
    }
  }
}
