import { describe, expect, it } from 'vitest'
import { QuietWebSocket } from '../../src/runtime/node-shim.ts'

// Node 20's global WebSocket is the shim's (on `ws`): an error nobody listens
// to must stay an event, as in browsers. An uncaught one fails this run.
function closed (socket: QuietWebSocket): Promise<void> {
  return new Promise(resolve => { socket.addEventListener('close', () => { resolve() }) })
}

describe('the WebSocket shim', () => {
  it('reports a refused connection as an event, with nobody listening for errors', async () => {
    const socket = new QuietWebSocket('ws://127.0.0.1:9')
    await closed(socket)
    expect(socket.readyState).toBe(QuietWebSocket.CLOSED)
  })

  it('closes a socket still connecting without throwing, as aborted dials do', async () => {
    const socket = new QuietWebSocket('ws://127.0.0.1:9')
    const done = closed(socket)
    socket.close()
    await done
    expect(socket.readyState).toBe(QuietWebSocket.CLOSED)
  })
})
