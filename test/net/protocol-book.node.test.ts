import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProtocolBook, protocolBook } from '../../src/net/protocol-book.ts'
import { RECORD_PROTOCOL } from '../../src/net/record-messages.ts'
import type { RelayNode } from '../../src/relay.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
let relays: RelayNode[]

beforeAll(async () => { relays = await startRelays(network, 2) }, 60_000)
afterAll(async () => { await Promise.all((relays ?? []).map(async r => await r.stop())) })

const ids = (peers: Array<{ toString: () => string }>): string[] => peers.map(String).sort()

describe('protocol book', () => {
  it('knows the relays identify announced, and nothing about strangers', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const book = protocolBook(a.libp2p)
    expect(protocolBook(a.libp2p)).toBe(book)
    await eventually(async () => { expect(ids(await book.speakers(RECORD_PROTOCOL))).toEqual([b.libp2p.peerId.toString()]) })
    expect(await book.speaks(b.libp2p.peerId, RECORD_PROTOCOL)).toBe(true)
    expect(await book.speaks(b.libp2p.peerId, '/not/spoken/1.0.0')).toBe(false)
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    expect(await book.speaks(stranger, RECORD_PROTOCOL)).toBeUndefined()
  })

  it('follows the store\'s updates without reading it again', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const book = createProtocolBook(a.libp2p, { rereadMs: 3_600_000 })
    expect(await book.speakers('/slurp/test-late/1.0.0')).toEqual([])
    // What identify does when a peer's protocols change: the store emits peer:update.
    await a.libp2p.peerStore.merge(b.libp2p.peerId, { protocols: ['/slurp/test-late/1.0.0'] })
    expect(ids(await book.speakers('/slurp/test-late/1.0.0'))).toEqual([b.libp2p.peerId.toString()])
    expect(await book.speaks(b.libp2p.peerId, RECORD_PROTOCOL)).toBe(true)
  })

  it('forgets a peer the store dropped once its copy is older than rereadMs', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const book = createProtocolBook(a.libp2p, { rereadMs: 0 })
    expect(await book.speaks(b.libp2p.peerId, RECORD_PROTOCOL)).toBe(true)
    await a.libp2p.hangUp(b.libp2p.peerId)
    await a.libp2p.peerStore.delete(b.libp2p.peerId)
    expect(await book.speaks(b.libp2p.peerId, RECORD_PROTOCOL)).toBeUndefined()
    expect(await book.speakers(RECORD_PROTOCOL)).toEqual([])
  })
})
