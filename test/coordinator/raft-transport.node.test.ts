import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Stream } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ByteWriter } from '../../src/codec/writer.ts'
import { RAFT_PROTOCOL, RaftTransport } from '../../src/coordinator/raft-transport.ts'
import { UsageError } from '../../src/errors.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { encodeMessage } from '../../src/raft/message-codec.ts'
import type { AppendRequest, Entry, RaftMessage, VoteRequest } from '../../src/raft/types.ts'
import { until } from './voters.ts'

// The Raft transport between real libp2p nodes on loopback: messages arrive
// only from the voter that sent them, a non-voter is refused, and send never
// throws or waits, whatever the peer's state.

let a: SlurpLibp2p
let b: SlurpLibp2p
let outsider: SlurpLibp2p
/** A voter that never runs: nothing can reach it. */
let absent = ''
let voters: string[] = []
let onA: RaftTransport
let onB: RaftTransport
const atA: RaftMessage[] = []
const atB: RaftMessage[] = []

function vote (from: string, to: string, term: number): VoteRequest {
  return { type: 'vote', from, to, term, pre: true, lastLogIndex: 0, lastLogTerm: 0 }
}

function frame (message: RaftMessage): Uint8Array {
  const body = encodeMessage(message)
  return new ByteWriter(body.length + 8).varint(body.length).raw(body).finish()
}

async function closed (stream: Stream): Promise<void> {
  if (stream.status !== 'open') return
  await new Promise<void>(resolve => { stream.addEventListener('close', () => { resolve() }, { once: true }) })
}

beforeAll(async () => {
  a = await createSlurpNode({ kind: 'peer', listen: ['/ip4/127.0.0.1/tcp/0'] })
  b = await createSlurpNode({ kind: 'peer', listen: ['/ip4/127.0.0.1/tcp/0'] })
  outsider = await createSlurpNode({ kind: 'peer', listen: [] })
  for (const node of [a, b, outsider]) await node.start()
  absent = peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString()
  voters = [a.peerId.toString(), b.peerId.toString(), absent]
  for (const node of [b, outsider]) await node.peerStore.merge(a.peerId, { multiaddrs: a.getMultiaddrs() })
  await a.peerStore.merge(b.peerId, { multiaddrs: b.getMultiaddrs() })
  onA = new RaftTransport({ libp2p: a, voters, maxMessageBytes: 4096, maxQueuedMessages: 4 })
  onB = new RaftTransport({ libp2p: b, voters })
  await onA.start()
  await onB.start()
  onA.onMessage(message => { atA.push(message) })
  onB.onMessage(message => { atB.push(message) })
})

afterAll(async () => {
  await onA?.stop()
  await onB?.stop()
  for (const node of [a, b, outsider]) await node?.stop()
})

describe('the raft transport', () => {
  it('carries messages between voters on one stream each way, in order', async () => {
    const from = b.peerId.toString()
    const to = a.peerId.toString()
    for (let term = 1; term <= 50; term++) onB.send(to, vote(from, to, term))
    await until(() => atA.length >= 50, 'fifty messages at A')
    expect(atA.map(message => message.term)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    onA.send(from, vote(to, from, 7))
    await until(() => atB.length === 1, 'the answer at B')
    const raftStreams = b.getConnections(a.peerId).flatMap(connection => connection.streams).filter(stream => stream.protocol === RAFT_PROTOCOL)
    expect(raftStreams).toHaveLength(2) // B's to A, and A's to B
    expect(onB.stats.sent).toBe(50)
  })

  it('sends an AppendEntries over the size limit as consecutive smaller ones', async () => {
    atB.length = 0
    const from = a.peerId.toString()
    const to = b.peerId.toString()
    const entries = Array.from({ length: 10 }, (_, i) => ({ index: 41 + i, term: 3, command: 'x'.repeat(1000) }))
    const append: AppendRequest = { type: 'append', from, to, term: 3, prevLogIndex: 40, prevLogTerm: 2, entries, leaderCommit: 40, stamp: 1 }
    onA.send(to, append) // A's limit is 4,096 bytes: about three entries a message
    await until(() => atB.flatMap(message => message.type === 'append' ? message.entries : []).length === 10, 'every entry at B')
    const parts = atB as AppendRequest[]
    expect(parts.length).toBeGreaterThan(2)
    expect(parts.flatMap(part => part.entries)).toEqual(entries)
    let previous = { index: 40, term: 2 }
    for (const part of parts) {
      expect({ index: part.prevLogIndex, term: part.prevLogTerm }).toEqual(previous)
      const last = part.entries[part.entries.length - 1] as Entry
      previous = { index: last.index, term: last.term }
    }
  })

  it('drops a message that claims another voter as its sender, or another receiver', async () => {
    atA.length = 0
    const refused = onA.stats.refused
    const stream = await b.dialProtocol(a.peerId, RAFT_PROTOCOL)
    const me = b.peerId.toString()
    const them = a.peerId.toString()
    stream.send(frame(vote(absent, them, 100))) // B speaking for the absent voter
    stream.send(frame(vote(me, absent, 101))) // addressed to someone else
    stream.send(frame(vote(me, them, 102)))
    await until(() => atA.length === 1, 'the genuine message')
    expect(atA.map(message => message.term)).toEqual([102])
    expect(onA.stats.refused - refused).toBe(2)
    await stream.close()
  })

  it('refuses streams from a node that is not a voter', async () => {
    const refused = onA.stats.refused
    const stream = await outsider.dialProtocol(a.peerId, RAFT_PROTOCOL)
    try {
      stream.send(frame(vote(outsider.peerId.toString(), a.peerId.toString(), 1)))
    } catch {
      // Reset already: the refusal may arrive before anything is sent.
    }
    await closed(stream)
    expect(onA.stats.refused).toBe(refused + 1)
    expect(atA.some(message => message.from === outsider.peerId.toString())).toBe(false)
  })

  it('resets a stream that sends a frame over the size limit', async () => {
    const refused = onA.stats.refused
    const stream = await b.dialProtocol(a.peerId, RAFT_PROTOCOL)
    stream.send(new ByteWriter(16).varint(8192).finish())
    await closed(stream)
    expect(onA.stats.refused).toBe(refused + 1)
  })

  it('never throws or waits in send: what cannot be delivered is dropped, past the queue bound at once', () => {
    const me = a.peerId.toString()
    const dropped = onA.stats.dropped
    for (let term = 1; term <= 100; term++) onA.send(absent, vote(me, absent, term))
    // The first dial is under way; of the 100, the newest 4 wait for it.
    expect(onA.stats.dropped - dropped).toBe(96)
    onA.send(absent, { ...vote(me, absent, 1), to: 'x'.repeat(8000) } as RaftMessage) // over maxMessageBytes
    return until(() => onA.stats.dropped - dropped === 101, 'the dial to fail and drop the rest')
  })

  it('refuses to start on a node that is not a voter', () => {
    expect(() => new RaftTransport({ libp2p: outsider, voters })).toThrow(UsageError)
  })
})
