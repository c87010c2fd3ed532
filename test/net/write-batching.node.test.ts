import { once } from 'node:events'
import { createServer, connect } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { batchSocketWrites } from '../../src/net/write-batching.ts'

describe('batchSocketWrites', () => {
  let server: Server
  let received: Buffer[]
  let client: Socket

  beforeEach(async () => {
    received = []
    server = createServer(socket => { socket.on('data', chunk => received.push(chunk)) })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    client = connect((server.address() as AddressInfo).port, '127.0.0.1')
    await once(client, 'connect')
  })

  afterEach(async () => {
    client.destroy()
    await new Promise(resolve => server.close(resolve))
  })

  it('holds what one job writes and sends it together once its microtasks have run', async () => {
    expect(batchSocketWrites(client)).toBe(true)
    client.write(Buffer.from('a'))
    client.write(Buffer.from('bc'))
    client.write(Buffer.from('def'))
    expect(client.writableCorked).toBe(1)
    expect(client.writableLength).toBe(6)
    await Promise.resolve()
    expect(client.writableCorked).toBe(0)
    await until(() => Buffer.concat(received).length === 6)
    expect(Buffer.concat(received).toString()).toBe('abcdef')
  })

  it('is idempotent: a second call does not wrap the socket twice', () => {
    batchSocketWrites(client)
    const wrapped = client.write
    expect(batchSocketWrites(client)).toBe(true)
    expect(client.write).toBe(wrapped)
  })

  it('delivers every byte in order, however writes and waits interleave', async () => {
    batchSocketWrites(client)
    let expected = ''
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('none', 'microtask', 'macrotask')), { minLength: 1, maxLength: 30 }),
      async steps => {
        for (const [text, wait] of steps) {
          client.write(text)
          expected += text
          if (wait === 'microtask') await Promise.resolve()
          if (wait === 'macrotask') await new Promise(resolve => setImmediate(resolve))
        }
      }
    ), { numRuns: 40, seed: 14 })
    const bytes = Buffer.byteLength(expected)
    await until(() => Buffer.concat(received).length >= bytes)
    expect(Buffer.concat(received).toString()).toBe(expected)
  })

  it('leaves what is not a socket alone', () => {
    expect(batchSocketWrites(undefined)).toBe(false)
    expect(batchSocketWrites({ write: () => true })).toBe(false)
    expect(batchSocketWrites(new WebSocketLike())).toBe(false)
  })
})

class WebSocketLike { send (): void {} }

async function until (condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 5))
}
