import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { lpStream } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CodecError } from '../../src/codec/reader.ts'
import { InvalidAddressError, NetworkError, UsageError } from '../../src/errors.ts'
import { NOTICE_PROTOCOL, RateLimiter, decodeNotice, encodeNotice } from '../../src/net/write-notices.ts'
import type { GetResult, SlurpPeer, UpdateDetail } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

// Two peers connected directly (as two browser tabs are over WebRTC, here over
// TCP): a write on one is re-read by the other without it asking.
const network = await createTestNetwork()
let relays: RelayNode[]
let alice: SlurpPeer
let bob: SlurpPeer

const SHARED = 'ucxl://notices/src/shared.ts'
const UNREAD = 'ucxl://notices/src/never-read.ts'

function nextUpdate (peer: SlurpPeer, address: string): Promise<GetResult> {
  return new Promise(resolve => {
    peer.addEventListener('update', function listener (event) {
      const detail = (event as CustomEvent<UpdateDetail>).detail
      if (detail.address !== address) return
      peer.removeEventListener('update', listener)
      resolve(detail.result)
    })
  })
}

beforeAll(async () => {
  relays = await startRelays(network, 3)
  alice = await startPeer(network, relays, ['backend_developer'])
  // Bob can be dialled directly; peers otherwise listen only through a relay.
  bob = await startPeer(network, relays, ['backend_developer'], { cache: createMemoryStore(), node: { listen: ['/ip4/127.0.0.1/tcp/0', '/p2p-circuit'] } })
  await alice.put(SHARED, { summary: 'v1' }, { as: 'backend_developer' })
  expect((await bob.get(SHARED)).item.summary).toBe('v1')
}, 60_000)

afterAll(async () => {
  await Promise.all([alice, bob].map(async p => await p?.stop()))
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

describe('write notices between directly connected peers', () => {
  it('connects by a shared address, directly', async () => {
    const address = bob.addresses().find(a => a.includes('/tcp/') && !a.includes('/p2p-circuit')) as string
    const link = await alice.connect(address)
    expect(link).toMatchObject({ peerId: bob.peerId.toString(), transport: 'tcp', direct: true })
    await eventually(async () => {
      expect((await alice.peers()).map(p => p.peerId)).toEqual([bob.peerId.toString()])
      expect((await bob.peers()).map(p => p.peerId)).toEqual([alice.peerId.toString()])
    })
  })

  it('re-reads what the other peer wrote, when it had read it before, and nothing else', async () => {
    // Identify must have told Alice that Bob speaks the notice protocol.
    await eventually(async () => {
      expect((await alice.libp2p.peerStore.get(bob.peerId)).protocols).toContain(NOTICE_PROTOCOL)
    })
    const updated = nextUpdate(bob, SHARED)
    await alice.put(UNREAD, { summary: 'not for bob' }, { as: 'backend_developer' })
    await alice.put(SHARED, { summary: 'v2' }, { as: 'backend_developer' })
    expect((await updated).item.summary).toBe('v2')
    expect((await bob.cached(SHARED))?.item.summary).toBe('v2')
    // The notice for an address Bob never read arrived first and was ignored.
    expect(await bob.cached(UNREAD)).toBeUndefined()
  })

  it('drops malformed notices and keeps serving', async () => {
    for (const junk of [new Uint8Array([9, 9, 9]), encodeNotice('not an address'), new Uint8Array(0)]) {
      const stream = await alice.libp2p.dialProtocol(bob.peerId, NOTICE_PROTOCOL)
      await lpStream(stream).write(junk)
      await stream.close().catch(() => {})
    }
    const updated = nextUpdate(bob, SHARED)
    await alice.put(SHARED, { summary: 'v3' }, { as: 'backend_developer' })
    expect((await updated).item.summary).toBe('v3')
  })

  it('names what is wrong with an address to connect to', async () => {
    await expect(alice.connect('not a multiaddr')).rejects.toBeInstanceOf(UsageError)
    await expect(alice.connect('/ip4/127.0.0.1/tcp/1')).rejects.toBeInstanceOf(UsageError)
    const stranger = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const nobody = multiaddr(`/ip4/127.0.0.1/tcp/9/p2p/${stranger.toString()}`).toString()
    await expect(alice.connect(nobody, { signal: AbortSignal.timeout(3000) })).rejects.toBeInstanceOf(NetworkError)
  })
})

describe('the notice codec', () => {
  it('round-trips addresses to their canonical form', () => {
    expect(decodeNotice(encodeNotice('UCXL://Notices/src/a.ts'))).toBe('ucxl://notices/src/a.ts')
  })

  it('rejects any other input with a named error', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), fc.string(), (bytes, text) => {
      for (const input of [bytes, encodeNotice(text), new Uint8Array([1, ...bytes])]) {
        try {
          decodeNotice(input)
        } catch (error) {
          expect(error instanceof CodecError || error instanceof InvalidAddressError).toBe(true)
        }
      }
    }), { numRuns: 2000 })
  })
})

describe('the rate limiter', () => {
  it('allows a burst, then a steady rate, per peer', () => {
    let now = 0
    const limiter = new RateLimiter(3, 2, () => now)
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false])
    expect(limiter.take('b')).toBe(true)
    now += 500
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false])
    now += 10_000
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false])
  })
})
