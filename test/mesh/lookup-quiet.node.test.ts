import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { multiaddr } from '@multiformats/multiaddr'
import { knownRelays } from '../../src/net/closest.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

/**
 * A peer that knows fewer relays than k used to run a DHT lookup on every put
 * (most of a write's time with one relay). A lookup that found no new relay is
 * not repeated for a while, unless the known relays change.
 */
describe('DHT lookups when fewer than k relays exist', { timeout: 60_000 }, () => {
  let network: TestNetwork
  let relays: RelayNode[]
  let peer: SlurpPeer
  let lookups = 0
  beforeAll(async () => {
    network = await createTestNetwork()
    relays = await startRelays(network, 1)
    peer = await startPeer(network, relays, ['backend_developer'], { replicationFactor: 3, minReplicas: 1 })
    const dht = peer.libp2p.services.dht
    const original = dht.getClosestPeers.bind(dht)
    dht.getClosestPeers = (...args: Parameters<typeof original>) => {
      lookups++
      return original(...args)
    }
  })
  afterAll(async () => {
    await peer.stop()
    for (const relay of relays) await relay.stop()
  })

  it('runs one lookup for many writes while nothing changes, and looks again once a relay joins', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await peer.put(`ucxl://l:backend_developer@quiet:t/${i}`, { summary: `write ${i}` }, { as: 'backend_developer' })).replicas).toBe(1)
    }
    expect(lookups).toBe(1)
    // A second relay joins and the peer meets it: the known set changed, so the next write looks again.
    const [second] = await startRelays(network, 1)
    relays.push(second as RelayNode)
    // libp2p resets a burst of new inbound connections from one host: dial until one holds.
    await eventually(async () => {
      await peer.libp2p.dial(multiaddr((second as RelayNode).multiaddrs()[0] as string))
      expect((await knownRelays(peer.libp2p)).length).toBe(2)
    })
    expect((await peer.put('ucxl://l:backend_developer@quiet:t/after', { summary: 'after' }, { as: 'backend_developer' })).replicas).toBe(2)
    expect(lookups).toBe(2)
  })
})
