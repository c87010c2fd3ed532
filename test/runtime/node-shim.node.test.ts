import { describe, expect, it } from 'vitest'
import '../../src/runtime/node-shim.ts'

// Node 20 gets its WebSocket from the shim (`ws`); Node 22 has its own. Either
// way an error nobody listens to must stay an event: an uncaught one fails this run.
describe('the global WebSocket', () => {
  it('reports a refused connection as an event, with or without listeners', async () => {
    const unobserved = new WebSocket('ws://127.0.0.1:9')
    const observed = new WebSocket('ws://127.0.0.1:9')
    const errored = new Promise(resolve => { observed.addEventListener('error', resolve) })
    await errored
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(unobserved.readyState).toBe(WebSocket.CLOSED)
  })

  it('closes a socket still connecting without throwing, as aborted dials do', async () => {
    const socket = new WebSocket('ws://127.0.0.1:9')
    socket.close()
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(socket.readyState).toBe(WebSocket.CLOSED)
  })
})
