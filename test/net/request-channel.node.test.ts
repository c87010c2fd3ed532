import { createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkError, UsageError } from '../../src/errors.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { limitInbound } from '../../src/net/inbound-limits.ts'
import { RequestChannel } from '../../src/net/request-channel.ts'
import { encodeFrame } from '../../src/net/request-frames.ts'
import { MAX_REQUESTS_IN_FLIGHT, sendRequest, serveRequests } from '../../src/net/request-response.ts'
import { concatBytes, equalBytes, utf8Decode, utf8Encode } from '../../src/encoding/bytes.ts'

// Real libp2p nodes on loopback: many requests share one stream, each answer
// finds its request, and a channel that breaks fails what waits on it at once.
const ECHO = '/slurp/test-echo/1.0.0'
let server: SlurpLibp2p
let asker: SlurpLibp2p
const holds = new Map<string, { resolve: () => void }>()
const givenUp = new Set<string>()
let handled = 0

beforeAll(async () => {
  server = await createSlurpNode({ kind: 'relay', listen: ['/ip4/127.0.0.1/tcp/0'] })
  // The asker may send frames up to MAX_MESSAGE_BYTES, as a certified relay may.
  limitInbound(server, { trusted: peer => peer.equals(asker.peerId) })
  // Echoes the request after a delay it names; "fail" throws; "hold:x" waits to be released.
  await serveRequests(server, ECHO, async (request, signal) => {
    handled++
    const text = utf8Decode(request)
    if (text === 'fail') throw new UsageError('asked to fail')
    if (text === 'crash') throw new Error('secret internal detail')
    if (text.startsWith('hold:')) {
      await new Promise<void>(resolve => {
        holds.set(text, { resolve })
        signal.addEventListener('abort', () => { givenUp.add(text); resolve() })
      })
    }
    const delay = Number(text.split(':')[1] ?? 0)
    if (delay > 0) await new Promise(resolve => setTimeout(resolve, delay))
    return utf8Encode(`echo ${text}`)
  })
  await server.start()
  asker = await createSlurpNode({ kind: 'peer', listen: [] })
  await asker.start()
  await asker.dial(server.getMultiaddrs()[0]!)
})

afterAll(async () => {
  await asker?.stop()
  await server?.stop()
})

function echoStreams (node: SlurpLibp2p): number {
  return node.getConnections().flatMap(connection => connection.streams).filter(stream => stream.protocol === ECHO).length
}

describe('request channels', () => {
  it('carry many requests at once on one stream, each answer to its own request', async () => {
    // Delays in reverse order: the answers come back in the opposite order to the requests.
    const texts = Array.from({ length: 200 }, (_, i) => `r${i}:${Math.floor((200 - i) / 10)}`)
    const answers = await Promise.all(texts.map(async text => utf8Decode(await sendRequest(asker, server.peerId, ECHO, utf8Encode(text)))))
    expect(answers).toEqual(texts.map(text => `echo ${text}`))
    expect(echoStreams(asker)).toBe(1)
  })

  it('answer a handler failure with its reason, and keep the channel for the next request', async () => {
    await expect(sendRequest(asker, server.peerId, ECHO, utf8Encode('fail'))).rejects.toThrow(/asked to fail/)
    await expect(sendRequest(asker, server.peerId, ECHO, utf8Encode('fail'))).rejects.toBeInstanceOf(NetworkError)
    // An unexpected error says that the peer failed, and nothing of what it was.
    const crash = sendRequest(asker, server.peerId, ECHO, utf8Encode('crash'))
    await expect(crash).rejects.toThrow(/failed to handle the request/)
    await expect(crash).rejects.not.toThrow(/secret/)
    expect(utf8Decode(await sendRequest(asker, server.peerId, ECHO, utf8Encode('after')))).toBe('echo after')
    expect(echoStreams(asker)).toBe(1)
  })

  it('give up on one request after its timeout while the others on the channel go on', async () => {
    const slow = sendRequest(asker, server.peerId, ECHO, utf8Encode('hold:timeout'), { timeoutMs: 200 })
    await expect(slow).rejects.toThrow(NetworkError)
    expect(utf8Decode(await sendRequest(asker, server.peerId, ECHO, utf8Encode('next')))).toBe('echo next')
    holds.get('hold:timeout')?.resolve()
  })

  it('carry answers far larger than a muxer frame', async () => {
    const big = concatBytes(utf8Encode('big:0:'), new Uint8Array(3 * 1024 * 1024).fill(7))
    const answer = await sendRequest(asker, server.peerId, ECHO, big, { timeoutMs: 20_000 })
    expect(answer.length).toBe(big.length + 5)
    // (toEqual compares 3 MiB element by element, for minutes.)
    expect(equalBytes(answer.subarray(5), big)).toBe(true)
  })

  it('close when idle, and the next request opens a new one', async () => {
    const stream = await asker.dialProtocol(server.peerId, ECHO)
    let closed = false
    const channel = new RequestChannel(stream, () => { closed = true }, 100)
    expect(utf8Decode(await channel.request(utf8Encode('idle'), AbortSignal.timeout(5000)))).toBe('echo idle')
    await expect.poll(() => closed, { timeout: 5000 }).toBe(true)
    expect(channel.usable).toBe(false)
    await expect(channel.request(utf8Encode('late'), AbortSignal.timeout(5000))).rejects.toThrow(NetworkError)
    await expect.poll(() => stream.status, { timeout: 5000 }).toBe('closed')
  })

  it('fail what waits on a channel at once when the other side goes away', async () => {
    const other = await createSlurpNode({ kind: 'relay', listen: ['/ip4/127.0.0.1/tcp/0'] })
    await serveRequests(other, ECHO, async () => await new Promise<Uint8Array>(() => {}))
    await other.start()
    await asker.dial(other.getMultiaddrs()[0]!)
    const waiting = sendRequest(asker, other.peerId, ECHO, utf8Encode('never'), { timeoutMs: 30_000 })
    const started = Date.now()
    const stopped = new Promise(resolve => setTimeout(resolve, 200)).then(async () => { await other.stop() })
    await expect(waiting).rejects.toThrow(NetworkError)
    await stopped
    // Far sooner than the 30 s timeout: the closed channel failed it.
    expect(Date.now() - started).toBeLessThan(15_000)
  })

  it('reset a channel that sends what is not a frame, and keep serving others', async () => {
    const stream = await asker.dialProtocol(server.peerId, ECHO)
    const before = handled
    // A length prefix promising more than any message may be.
    stream.send(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x7f))
    await expect.poll(() => stream.status, { timeout: 5000 }).not.toBe('open')
    expect(handled).toBe(before)
    expect(utf8Decode(await sendRequest(asker, server.peerId, ECHO, utf8Encode('still')))).toBe('echo still')
  })

  it('reset a channel that keeps more requests in flight than the limit', async () => {
    const stream = await asker.dialProtocol(server.peerId, ECHO)
    const closed = new Promise<void>(resolve => { stream.addEventListener('close', () => { resolve() }) })
    for (let id = 1; id <= MAX_REQUESTS_IN_FLIGHT + 1; id++) {
      stream.send(encodeFrame({ id, kind: 'request', payload: utf8Encode(`hold:${id}`) }))
    }
    await closed
    // Every request it held was given up on when its channel closed.
    await expect.poll(() => [...givenUp].filter(key => /^hold:\d+$/.test(key)).length, { timeout: 5000 }).toBe(MAX_REQUESTS_IN_FLIGHT)
    expect(utf8Decode(await sendRequest(asker, server.peerId, ECHO, utf8Encode('fine')))).toBe('echo fine')
  })

  it('open a channel for everyone waiting, however soon one of them gives up', async () => {
    // A peer whose address accepts TCP and never answers: opening a channel to it hangs.
    const sockets: Socket[] = []
    const silent = createServer(socket => { sockets.push(socket) })
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const ghost = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    await asker.peerStore.merge(ghost, { multiaddrs: [multiaddr(`/ip4/127.0.0.1/tcp/${(silent.address() as AddressInfo).port}`)] })
    try {
      const started = Date.now()
      const patient = sendRequest(asker, ghost, ECHO, utf8Encode('b'), { timeoutMs: 800 })
      const impatient = sendRequest(asker, ghost, ECHO, utf8Encode('a'), { signal: AbortSignal.timeout(100) })
      // The impatient one, joining an opening the patient one started, still gives up on its own time…
      await expect(impatient).rejects.toThrow(NetworkError)
      expect(Date.now() - started).toBeLessThan(600)
      // …and the patient one waits its own, not the impatient one's.
      await expect(patient).rejects.toThrow(NetworkError)
      expect(Date.now() - started).toBeGreaterThanOrEqual(700)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => silent.close(resolve))
    }
  })
})
