import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { RelayNode } from '../../src/relay.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'

const network = await createTestNetwork()
let relays: RelayNode[]
let alice: SlurpPeer
let bob: SlurpPeer

beforeAll(async () => {
  relays = await startRelays(network, 5)
  alice = await startPeer(network, relays, ['backend_developer'])
  bob = await startPeer(network, relays, ['senior_architect'])
}, 60_000)

afterAll(async () => {
  await Promise.all([alice, bob].map(async p => await p?.stop()))
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

describe('republish, role discovery, reconnection', () => {
  it('a record held by one relay only is repaired onto the k closest', async () => {
    const member = await createTestMember(network, ['backend_developer'])
    const address = 'ucxl://project123/only/on/one'
    const record = await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address, draft: { summary: 'lonely' } })
    const key = await dhtKey(address)
    const holder = relays[4] as RelayNode
    await holder.keeper.put(key, record.bytes)
    expect((await bob.replicationStatus(address)).health).not.toBe('healthy')
    // Repair passes (run here back to back, as the relay's timer would) bring
    // it to the k closest; a relay caught starting up may miss one pass.
    await eventually(async () => {
      await holder.replication.repair()
      const located = await bob.replicationStatus(address)
      expect(located).toMatchObject({ health: 'healthy', replicas: 3, target: 3, conflicts: 0, consistent: true })
      expect(located.version).toEqual(record.envelope.clock)
    })
    const summary = holder.replication.summary()
    expect(summary.repairsDone).toBeGreaterThanOrEqual(2)
    // Either the holder is among the k closest and keeps it (healthy), or the
    // k closest confirmed they hold it and the holder let it go.
    expect(summary.healthy + summary.cleanedUp).toBe(1)
    expect(await holder.keeper.has(key)).toBe(summary.healthy === 1)
    expect((await bob.get(address)).item.summary).toBe('lonely')
  })

  it('peers find each other by role through DHT provider records', async () => {
    await alice.announceRole('backend_developer')
    await eventually(async () => {
      const found = await bob.findPeersByRole('backend_developer')
      expect(found.map(String)).toContain(alice.peerId.toString())
    })
    expect(await bob.findPeersByRole('qa_engineer')).toEqual([])
  })

  it('a peer reconnects to its relay when the relay comes back', async () => {
    const privateKey = await generateKeyPair('Ed25519')
    const store = createMemoryStore()
    const init = {
      network: { rootPublicKey: network.root.publicKey, policy: network.policy },
      certificate: certifyWithRoot(network.root),
      store,
      node: { privateKey, listen: ['/ip4/127.0.0.1/tcp/0'] }
    }
    let relay = new RelayNode(init)
    await relay.start()
    const address = relay.multiaddrs()[0] as string
    const port = address.split('/')[4] as string
    const peer = await startPeer(network, [relay], ['backend_developer'], { minReplicas: 1, replicationFactor: 1 })
    try {
      await peer.put('ucxl://project123/restart', { summary: 'before' }, { as: 'backend_developer' })
      const relayId = relay.libp2p.peerId.toString()
      await relay.stop()
      await eventually(() => { expect(peer.status().relays).not.toContain(relayId) })
      relay = new RelayNode({ ...init, node: { privateKey, listen: [`/ip4/127.0.0.1/tcp/${port}`] } })
      await relay.start()
      expect(relay.libp2p.peerId.toString()).toBe(relayId)
      await eventually(() => { expect(peer.status().relays).toContain(relayId) }, 15_000)
      expect((await peer.get('ucxl://project123/restart')).item.summary).toBe('before')
    } finally {
      await peer.stop()
      await relay.stop()
    }
  })
})
