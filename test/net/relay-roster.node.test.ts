import { generateKeyPair } from '@libp2p/crypto/keys'
import type { Multiaddr } from '@multiformats/multiaddr'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, describe, expect, it } from 'vitest'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { relayRoster } from '../../src/net/relay-roster.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { issueRelayCertificate } from '../../src/trust/relay-certificate.ts'
import type { RelayCertificate } from '../../src/trust/relay-certificate.ts'
import { eventually } from '../helpers/mesh.ts'

// The roster is what makes a relay a relay (issue 10 finding 1): a
// certificate counts only when the network's root signed it for the very
// peer id that identify came from.
const { key: root } = await generateSigningKey()
const nodes: SlurpLibp2p[] = []

afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async node => { await node.stop() }))
})

async function relayWith (certificate: (peerId: Uint8Array) => Promise<RelayCertificate>): Promise<SlurpLibp2p> {
  const privateKey = await generateKeyPair('Ed25519')
  const relayCertificate = await certificate(peerIdFromPrivateKey(privateKey).toMultihash().bytes)
  const node = await createSlurpNode({ kind: 'relay', privateKey, listen: ['/ip4/127.0.0.1/tcp/0'], rootPublicKey: root.publicKey, relayCertificate })
  await node.start()
  nodes.push(node)
  return node
}

async function peer (): Promise<SlurpLibp2p> {
  const node = await createSlurpNode({ kind: 'peer', listen: [], rootPublicKey: root.publicKey })
  await node.start()
  nodes.push(node)
  return node
}

const valid = async (relay: Uint8Array): Promise<RelayCertificate> => await issueRelayCertificate(root, { relay, notAfter: Date.now() + 60_000 })

describe('relay roster', () => {
  it('certifies a relay whose identify brings the root\'s certificate for its own peer id, and nobody else', async () => {
    const { key: otherRoot } = await generateSigningKey()
    const genuine = await relayWith(valid)
    const foreign = await relayWith(async relay => await issueRelayCertificate(otherRoot, { relay, notAfter: Date.now() + 60_000 }))
    const borrowed = await relayWith(async () => await valid(genuine.peerId.toMultihash().bytes))
    const expired = await relayWith(async relay => await issueRelayCertificate(root, { relay, notBefore: Date.now() - 120_000, notAfter: Date.now() - 60_000 }))
    const asker = await peer()
    for (const relay of [genuine, foreign, borrowed, expired]) await asker.dial(relay.getMultiaddrs()[0] as Multiaddr)
    const roster = relayRoster(asker)
    await eventually(() => { for (const relay of [genuine, foreign, borrowed, expired]) expect(roster?.verdict(relay.peerId)).not.toBeUndefined() })
    expect(roster?.isCertified(genuine.peerId)).toBe(true)
    expect(roster?.certified().map(String)).toEqual([genuine.peerId.toString()])
    for (const relay of [foreign, borrowed, expired]) expect(roster?.verdict(relay.peerId)).toBe(false)
  })

  it('forgets peers that are not relays when they leave, and keeps relays with the time they were first certified', async () => {
    const relay = await relayWith(valid)
    const visitor = await peer()
    await visitor.dial(relay.getMultiaddrs()[0] as Multiaddr)
    await eventually(() => {
      expect(relayRoster(relay)?.verdict(visitor.peerId)).toBe(false)
      expect(relayRoster(visitor)?.isCertified(relay.peerId)).toBe(true)
    })
    // Judged the moment the relay sees the visitor go (the roster's own listener ran first):
    // polling afterwards could instead see whatever a later identify or redial brought back.
    const left = new Promise<boolean | undefined>(resolve => {
      relay.addEventListener('peer:disconnect', event => { if (event.detail.equals(visitor.peerId)) resolve(relayRoster(relay)?.verdict(visitor.peerId)) })
    })
    await visitor.hangUp(relay.peerId)
    expect(await left).toBeUndefined()
    expect(relayRoster(visitor)?.isCertified(relay.peerId)).toBe(true)
    expect(relayRoster(visitor)?.certifiedForMs(relay.peerId)).toBeGreaterThanOrEqual(0)
  })
})
