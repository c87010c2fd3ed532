import { SlurpPeer } from '../../src/peer.ts'
import { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import type { Member, MeshNetwork } from './network.ts'

/** The role every bench peer writes and reads as. */
export const MESH_ROLE = 'backend_developer'

/**
 * Relays on loopback TCP, each bootstrapped from the ones before it, as
 * test/helpers/mesh.ts starts them (copied so the bench does not move with the tests).
 */
export async function startRelays (network: MeshNetwork, count: number, store: () => KVStore = createMemoryStore): Promise<RelayNode[]> {
  const relays: RelayNode[] = []
  for (let i = 0; i < count; i++) {
    const relay = new RelayNode({
      network: { rootPublicKey: network.rootPublicKey, policy: network.policy },
      certificate: network.certifyRelay,
      store: store(),
      bootstrap: relays.flatMap(r => r.multiaddrs().slice(0, 1)),
      node: { listen: ['/ip4/127.0.0.1/tcp/0'] }
    })
    await relay.start()
    relays.push(relay)
  }
  return relays
}

/**
 * A peer bootstrapped from every relay, as the tests do: its connections are
 * open before the first timed call, so no sample pays for a dial. It can
 * write when given a member, and reads as MESH_ROLE.
 */
export async function startPeer (network: MeshNetwork, relays: readonly RelayNode[], member?: Member): Promise<SlurpPeer> {
  const peer = new SlurpPeer({
    network: { rootPublicKey: network.rootPublicKey, policy: network.policy },
    ...(member === undefined ? {} : { member }),
    keyring: await network.keyring([MESH_ROLE]),
    bootstrap: relays.map(relay => relay.multiaddrs()[0] as string)
  })
  await peer.start()
  return peer
}

/**
 * Dials every relay the peer is not connected to, up to `attempts` times
 * each: under load a loopback dial at start-up now and then fails (ECONNRESET),
 * and a timed ping or record request would then pay for a fresh dial or throw.
 * Returns the errors of the failed attempts.
 */
export async function connectAll (peer: SlurpPeer, relays: readonly RelayNode[], attempts = 3): Promise<string[]> {
  const failed: string[] = []
  for (const relay of relays) {
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (peer.libp2p.getConnections(relay.libp2p.peerId).length > 0) break
      try {
        await peer.libp2p.dial(relay.libp2p.peerId, { signal: AbortSignal.timeout(5000) })
      } catch (error) {
        failed.push((error as Error).message)
      }
    }
  }
  return failed
}

export async function stopAll (peers: readonly SlurpPeer[], relays: readonly RelayNode[]): Promise<void> {
  await Promise.all(peers.map(async peer => { await peer.stop() }))
  await Promise.all(relays.map(async relay => { await relay.stop() }))
}
