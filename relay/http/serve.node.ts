import { serve } from '@hono/node-server'
import type { ServerType } from '@hono/node-server'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { throwIfAborted } from '../../src/errors.ts'
import { ConnectionCap, resolveHttpLimits } from './connection-cap.ts'
import { closeOnAbort, serverUrl } from './serve-types.ts'
import type { FetchApp, HttpServer, ServeOptions } from './serve-types.ts'

/** Requests still running when close() is called get this long to finish. */
const CLOSE_GRACE_MS = 2000

/**
 * Serves a fetch-style app (hono) on Node with @hono/node-server, with every
 * limit of ServeOptions.limits: a connection cap (connection-cap.ts) and
 * Node's header, request and keep-alive timeouts, checked every second (Node
 * checks every 30 s by default, so a slow sender would keep its socket that
 * much longer).
 */
export async function serveHttp (app: FetchApp, options: ServeOptions): Promise<HttpServer> {
  throwIfAborted(options.signal)
  const limits = resolveHttpLimits(options.limits)
  const cap = new ConnectionCap(limits)
  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening: ServerType = serve({
      // The client's address, for the gateway's per-address rate limit.
      fetch: async (request, env: { incoming?: { socket?: { remoteAddress?: string } } }) =>
        await app.fetch(request, { remoteAddress: env.incoming?.socket?.remoteAddress }),
      hostname: options.hostname,
      port: options.port,
      // Left alone, it replaces the process-wide Request and Response with its own.
      overrideGlobalObjects: false,
      serverOptions: {
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs)
      }
    }, () => {
      listening.off('error', reject)
      resolve(listening)
    })
    listening.once('error', reject)
    listening.on('connection', (socket: Socket) => { cap.admit(socket) })
    listening.on('request', (request: IncomingMessage, response: ServerResponse) => { response.once('finish', () => { cap.answeredOn(request.socket) }) })
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
