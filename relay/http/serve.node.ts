import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { throwIfAborted } from '../../src/errors.ts'
import { closeOnAbort, serverUrl } from './serve-types.ts'
import type { FetchApp, HttpServer, ServeOptions } from './serve-types.ts'

/** Requests still running when close() is called get this long to finish. */
const CLOSE_GRACE_MS = 2000

/** Serves a fetch-style app (hono) on Node with @hono/node-server. */
export async function serveHttp (app: FetchApp, options: ServeOptions): Promise<HttpServer> {
  throwIfAborted(options.signal)
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening: ServerType = serve({
      // The client's address, for the gateway's per-address rate limit.
      fetch: async (request, env: { incoming?: { socket?: { remoteAddress?: string } } }) =>
        await app.fetch(request, { remoteAddress: env.incoming?.socket?.remoteAddress }),
      hostname: options.hostname,
      port: options.port,
      // Left alone, it replaces the process-wide Request and Response with its own.
      overrideGlobalObjects: false
    }, () => {
      listening.off('error', reject)
      resolve(listening)
    })
    listening.once('error', reject)
  })
  const port = (server.address() as AddressInfo).port
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= new Promise<void>(resolve => {
      const http = server as Server
      const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS)
      server.close(() => {
        clearTimeout(force)
        resolve()
      })
      // Idle keep-alive connections would hold close() open until they time out.
      http.closeIdleConnections()
    })
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
