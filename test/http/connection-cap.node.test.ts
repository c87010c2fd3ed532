import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionCap } from '../../relay/http/connection-cap.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { eventually } from '../helpers/mesh.ts'

const sockets: Socket[] = []
const servers: HttpServer[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(servers.splice(0).map(async server => { await server.close() }))
})

/** A client that sends headers announcing a body, then a few bytes of it, then nothing. */
async function slowBody (port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1')
  sockets.push(socket)
  socket.on('error', () => {})
  // Read what comes (nothing, then the end), so a close by the server is seen.
  socket.resume()
  await new Promise<void>(resolve => socket.once('connect', resolve))
  socket.write('PUT /v1/records/x HTTP/1.1\r\nHost: relay\r\nContent-Length: 100000\r\n\r\nabc')
  return socket
}

/** A stand-in socket: an address, destroy(), and 'close' when destroyed. */
class FakeSocket extends EventTarget {
  destroyed = false
  constructor (readonly remoteAddress: string) { super() }
  destroy (): void {
    this.destroyed = true
    this.dispatchEvent(new Event('close'))
  }

  once (event: 'close', listener: () => void): void { this.addEventListener(event, listener, { once: true }) }
}

describe('the HTTP server\'s connection cap', () => {
  it('keeps /health answering while slow senders hold every slot, and cuts them at the request timeout', async () => {
    // Like the record gateway, it reads a PUT's body before answering.
    const app = {
      fetch: async (request: Request) => {
        if (request.method === 'PUT') await request.arrayBuffer().catch(() => {})
        return new Response('ok')
      }
    }
    const server = await serveHttp(app, {
      hostname: '127.0.0.1',
      port: 0,
      limits: { maxConnections: 8, headersTimeoutMs: 500, requestTimeoutMs: 1000 }
    })
    servers.push(server)
    const slow = await Promise.all(Array.from({ length: 24 }, async () => await slowBody(server.port)))
    await eventually(() => { expect(slow.filter(socket => socket.closed)).toHaveLength(16) })
    const answer = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) })
    expect(answer.status).toBe(200)
    expect(await answer.text()).toBe('ok')
    // Node checks its request timeout every second (set by serve.node.ts): the rest go within it.
    await eventually(() => { expect(slow.every(socket => socket.closed)).toBe(true) }, 5000)
  })

  it('gives one address at most its share, and does not count loopback or private addresses per address', () => {
    const cap = new ConnectionCap({ maxConnections: 10, maxConnectionsPerIp: 2 })
    const sockets = ['203.0.113.7', '203.0.113.7', '203.0.113.7', '2001:db8::1', '2001:db8::2', '2001:db8::3'].map(ip => new FakeSocket(ip))
    for (const socket of sockets) cap.admit(socket)
    expect(sockets.map(socket => socket.destroyed)).toEqual([false, false, true, false, false, true])
    expect(cap.counts.refused).toBe(2)
    sockets[0]?.destroy()
    const again = new FakeSocket('203.0.113.7')
    cap.admit(again)
    expect(again.destroyed).toBe(false)
    const local = ['127.0.0.1', '127.0.0.1', '127.0.0.1', '127.0.0.1', '10.0.0.2', '10.0.0.2', '10.0.0.2'].map(ip => new FakeSocket(ip))
    for (const socket of local) cap.admit(socket)
    // Eleven for ten slots: the last pushed out the oldest instead of being refused.
    expect(local.every(socket => !socket.destroyed)).toBe(true)
    expect(sockets[1]?.destroyed).toBe(true)
    expect(cap.size).toBe(10)
    expect(cap.counts.evicted).toBe(1)
  })

  it('makes room by closing a socket that never got an answer before one that did (a monitor\'s keep-alive connection)', () => {
    const cap = new ConnectionCap({ maxConnections: 3, maxConnectionsPerIp: 10 })
    const [monitor, slow, slower] = ['127.0.0.1', '127.0.0.1', '127.0.0.1'].map(ip => new FakeSocket(ip)) as [FakeSocket, FakeSocket, FakeSocket]
    for (const socket of [monitor, slow, slower]) cap.admit(socket)
    cap.answeredOn(monitor)
    const newcomers = [new FakeSocket('127.0.0.1'), new FakeSocket('127.0.0.1')]
    for (const socket of newcomers) cap.admit(socket)
    expect([monitor, slow, slower].map(socket => socket.destroyed)).toEqual([false, true, true])
    // Only answered ones left to close: the oldest of them goes.
    cap.answeredOn(newcomers[0] as FakeSocket)
    cap.answeredOn(newcomers[1] as FakeSocket)
    cap.admit(new FakeSocket('127.0.0.1'))
    expect(monitor.destroyed).toBe(true)
    expect(newcomers.map(socket => socket.destroyed)).toEqual([false, false])
  })
})
