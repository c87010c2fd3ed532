import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkError, UsageError } from '../../src/errors.ts'
import { connectPeer } from '../../src/net/direct-peers.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'

// Fault injection: a peer that accepts a connection and never says a word,
// like a WebRTC handshake stuck on the dialling side. Each attempt gives up
// after its own time, and a fresh one is made.
const SOME_PEER = '12D3KooWGRUVh2j2ccWMaVkVSL6BPD3hs2kzZVDzUdXN4jd6hjHs'
let node: SlurpLibp2p
let silent: Server
const accepted: Socket[] = []

beforeAll(async () => {
  silent = createServer(socket => { accepted.push(socket) })
  await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
  node = await createSlurpNode({ kind: 'peer', listen: [] })
  await node.start()
})

afterAll(async () => {
  await node?.stop()
  for (const socket of accepted) socket.destroy()
  await new Promise(resolve => silent.close(resolve))
})

describe('connecting to a peer directly', () => {
  it('tries again when an attempt hangs, and then names how many it made', async () => {
    const { port } = silent.address() as AddressInfo
    const attempt = connectPeer(node, `/ip4/127.0.0.1/tcp/${port}/p2p/${SOME_PEER}`, { attemptMs: 400 })
    await expect(attempt).rejects.toThrow(NetworkError)
    await expect(attempt).rejects.toThrow(/\(3 attempts\)/)
    expect(accepted.length).toBe(3)
  })

  it('tries again when an attempt fails outright', async () => {
    // A port nothing listens on: refused at once, every time.
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise(resolve => closed.close(resolve))
    await expect(connectPeer(node, `/ip4/127.0.0.1/tcp/${port}/p2p/${SOME_PEER}`, { attemptMs: 2_000 })).rejects.toThrow(/\(3 attempts\)/)
  })

  it('gives up at once when the caller does, without trying again', async () => {
    const { port } = silent.address() as AddressInfo
    const before = accepted.length
    await expect(connectPeer(node, `/ip4/127.0.0.1/tcp/${port}/p2p/${SOME_PEER}`, { signal: AbortSignal.timeout(300), attemptMs: 5_000 })).rejects.toThrow(NetworkError)
    expect(accepted.length).toBe(before + 1)
  })

  it('rejects what is not a peer address with UsageError', async () => {
    await expect(connectPeer(node, 'not an address')).rejects.toThrow(UsageError)
    await expect(connectPeer(node, '/ip4/127.0.0.1/tcp/1')).rejects.toThrow(/must end with \/p2p\//)
  })
})
