import type { Stream } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { concatBytes, utf8Decode, utf8Encode } from '../../src/encoding/bytes.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { limitInbound } from '../../src/net/inbound-limits.ts'
import type { InboundLimits } from '../../src/net/inbound-limits.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { RECORD_PROTOCOL } from '../../src/net/record-messages.ts'
import { requestRecord, serveRecords } from '../../src/net/record-protocol.ts'
import { sendRequest, serveRequests } from '../../src/net/request-response.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestNetwork } from '../helpers/network.ts'

// Issue 10 finding 2: every inbound request-channel stream could hold a whole
// 8 MiB frame that never finishes, 64 streams per protocol: one connection
// took a relay from 302 MB to 1.3 GB. Real libp2p nodes on loopback: a
// stranger opens many streams on two protocols and sends the start of large
// frames; the server's unfinished bytes stay within its budget (and the
// stranger's share), the streams that would go over are reset, frames over
// the ceiling or past the deadline are reset too, and another peer's requests
// are answered meanwhile. On the code before this fix there was no budget
// (and no inbound-limits module): these fail.
const ECHO = '/slurp/test-echo/1.0.0'
const HOLD = '/slurp/test-hold/1.0.0'
const held: Array<() => void> = []
const MiB = 1024 * 1024
const PARTIAL = 64 * 1024

let server: SlurpLibp2p
let stranger: SlurpLibp2p
let honest: SlurpLibp2p
let relayPeer: SlurpLibp2p
let limits: InboundLimits

beforeAll(async () => {
  const network = await createTestNetwork()
  server = await createSlurpNode({ kind: 'relay', listen: ['/ip4/127.0.0.1/tcp/0'] })
  limits = limitInbound(server, {
    partialBytes: 4 * MiB,
    partialBytesUntrusted: 2 * MiB,
    partialBytesPerPeer: MiB / 2,
    maxFrameBytes: () => MiB + 1024,
    trusted: peer => peer.equals(relayPeer.peerId)
  })
  const store = createMemoryStore()
  await store.open()
  const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
  await serveRecords(server, keeper)
  await serveRequests(server, ECHO, async request => concatBytes(utf8Encode('echo '), request))
  // Answers only when the test releases it: requests that wait for their handler.
  await serveRequests(server, HOLD, async () => { await new Promise<void>(resolve => { held.push(resolve) }); return utf8Encode('done') })
  await server.start()
  const peer = async (): Promise<SlurpLibp2p> => await createSlurpNode({ kind: 'peer', listen: [] })
  stranger = await peer()
  honest = await peer()
  relayPeer = await peer()
  for (const node of [stranger, honest, relayPeer]) {
    await node.start()
    await node.dial(server.getMultiaddrs()[0]!)
  }
})

afterAll(async () => {
  await Promise.all([stranger, honest, relayPeer].map(async node => await node?.stop()))
  await server?.stop()
})

/** A varint length prefix for `length`, then `sent` bytes of the body: a frame begun and never finished. */
function frameStart (length: number, sent: number): Uint8Array {
  const prefix: number[] = []
  let rest = length
  while (rest >= 0x80) { prefix.push((rest & 0x7f) | 0x80); rest = Math.floor(rest / 128) }
  prefix.push(rest)
  return concatBytes(Uint8Array.from(prefix), new Uint8Array(sent).fill(1))
}

function closedWhenDone (stream: Stream): Promise<void> {
  return new Promise(resolve => {
    if (stream.status !== 'open') resolve()
    stream.addEventListener('close', () => { resolve() })
  })
}

describe('unfinished frames (issue 10 finding 2)', () => {
  it('stay within the node budget and the peer share: streams that would go over are reset, others answer', async () => {
    const strangerId = stranger.peerId.toString()
    const streams: Stream[] = []
    for (const protocol of [RECORD_PROTOCOL, ECHO]) {
      for (let i = 0; i < 20; i++) {
        const stream = await stranger.dialProtocol(server.peerId, protocol)
        streams.push(stream)
        stream.send(frameStart(MiB, PARTIAL))
      }
    }
    // 40 streams × 64 KiB asked for; the stranger's share is 512 KiB, so most are reset.
    await expect.poll(() => streams.filter(stream => stream.status === 'open').length, { timeout: 15_000 }).toBeLessThanOrEqual(8)
    // Settled: what the server holds for the stranger is exactly what its open streams sent.
    const open = (): Stream[] => streams.filter(stream => stream.status === 'open')
    await expect.poll(() => limits.budget.heldBy(strangerId) === open().length * (PARTIAL + 3), { timeout: 15_000 }).toBe(true)
    expect(open().length).toBeGreaterThan(0)
    expect(limits.budget.resets.budget).toBeGreaterThanOrEqual(32)
    expect(limits.budget.peak).toBeLessThanOrEqual(limits.budget.limit)
    expect(limits.budget.heldBy(strangerId)).toBeLessThanOrEqual(limits.budget.perPeerLimit)

    // Meanwhile another peer is answered, on both protocols.
    const answer = await requestRecord(honest, server.peerId, { op: 'get', key: '/slurp/ucxl/nothing-here' })
    expect(answer.status).toBe('ok')
    const payload = new Uint8Array(300 * 1024).fill(2)
    expect((await sendRequest(honest, server.peerId, ECHO, payload)).length).toBe(payload.length + 5)
    expect(limits.budget.held).toBeLessThanOrEqual(limits.budget.limit)

    // The stranger's streams give back what they held when they end.
    for (const stream of streams) stream.abort(new Error('done'))
    await new Promise(resolve => setTimeout(resolve, 3000))
    console.log(streams.map(s => s.status).join(','), server.getConnections().flatMap(c => c.streams).map(s => s.protocol + ':' + s.status).join(','))
    await expect.poll(() => limits.budget.heldBy(strangerId), { timeout: 15_000 }).toBe(0)
  })

  it('read past a frame over a stranger\'s ceiling and refuse it, reset one over any limit, and take large frames from a trusted peer', async () => {
    const big = new Uint8Array(2 * MiB).fill(3)
    const held = limits.budget.held
    // Read past, never held: the stranger is told why, and its channel stays.
    await expect(sendRequest(stranger, server.peerId, ECHO, big, { timeoutMs: 20_000 })).rejects.toThrow(/over this peer's limit/)
    expect(limits.budget.held).toBe(held)
    expect(utf8Decode(await sendRequest(stranger, server.peerId, ECHO, utf8Encode('small')))).toBe('echo small')
    // On the record protocol the refusal is the record protocol's own.
    const answer = await requestRecord(stranger, server.peerId, { op: 'put', key: '/slurp/ucxl/too-large', record: big }, { timeoutMs: 20_000 })
    expect(answer).toMatchObject({ status: 'rejected', code: 'ERR_RECORD_TOO_LARGE' })
    // Over what any peer may send: the stream is reset.
    const tooLarge = limits.budget.resets.tooLarge
    const stream = await stranger.dialProtocol(server.peerId, ECHO)
    stream.send(frameStart(16 * MiB, 16))
    await closedWhenDone(stream)
    expect(limits.budget.resets.tooLarge).toBe(tooLarge + 1)
    // The same 2 MiB from a trusted peer (a certified relay) is read and answered.
    const echoed = await sendRequest(relayPeer, server.peerId, ECHO, big, { timeoutMs: 20_000 })
    expect(echoed.length).toBe(big.length + 5)
    expect(utf8Decode(echoed.subarray(0, 5))).toBe('echo ')
  })

  it('hold requests waiting for their handler to the same budget: past the share they are refused as busy, and the channel stays', async () => {
    const strangerId = stranger.peerId.toString()
    const payload = new Uint8Array(200 * 1024).fill(4)
    const waiting = [1, 2].map(async () => await sendRequest(stranger, server.peerId, HOLD, payload, { timeoutMs: 20_000 }))
    await expect.poll(() => held.length, { timeout: 15_000 }).toBe(2)
    expect(limits.budget.heldBy(strangerId)).toBe(2 * payload.length)
    // A third would take the stranger past its 512 KiB share.
    const busy = limits.budget.busy
    await expect(sendRequest(stranger, server.peerId, HOLD, payload, { timeoutMs: 20_000 })).rejects.toThrow(/busy/)
    expect(limits.budget.busy).toBe(busy + 1)
    for (const release of held.splice(0)) release()
    expect((await Promise.all(waiting)).map(utf8Decode)).toEqual(['done', 'done'])
    await expect.poll(() => limits.budget.heldBy(strangerId), { timeout: 15_000 }).toBe(0)
  })

  it('reset a stream that begins a frame and does not finish it in time', async () => {
    // Streams opened from now on get the short deadline; the budget is a new one.
    const short = limitInbound(server, { frameDeadlineMs: 200, trusted: () => false })
    const stream = await stranger.dialProtocol(server.peerId, ECHO)
    stream.send(frameStart(1000, 10))
    await closedWhenDone(stream)
    expect(short.budget.resets.deadline).toBe(1)
    expect(short.budget.held).toBe(0)
    // A peer that finishes its frames is not affected.
    expect(utf8Decode(await sendRequest(honest, server.peerId, ECHO, utf8Encode('on time')))).toBe('echo on time')
  })
})
