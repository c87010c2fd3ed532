import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { RelayNode } from '../../src/relay.ts'
import { SlurpPeer } from '../../src/peer.ts'
import type { PeerInit } from '../../src/peer.ts'
import { expect } from 'vitest'
import { knownRelays } from '../../src/net/closest.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import type { PrivateKey } from '@libp2p/interface'
import type { TestNetwork } from './network.ts'
import { createTestMember } from './network.ts'

/** Real relays on loopback TCP (and WebSockets when asked), each bootstrapped from the ones before it. */
export async function startRelays (network: TestNetwork, count: number, store: (i: number) => KVStore = () => createMemoryStore(), options: { webSockets?: boolean, host?: string, privateKeys?: readonly PrivateKey[] } = {}): Promise<RelayNode[]> {
  const host = options.host ?? '127.0.0.1'
  const relays: RelayNode[] = []
  for (let i = 0; i < count; i++) {
    const relay = new RelayNode({
      network: { rootPublicKey: network.root.publicKey, policy: network.policy },
      certificate: certifyWithRoot(network.root),
      store: store(i),
      bootstrap: relays.flatMap(r => r.multiaddrs().filter(a => !a.includes('/ws')).slice(0, 1)),
      // Browser tabs reach relays over WebSockets only.
      node: {
        listen: options.webSockets === true ? [`/ip4/${host}/tcp/0`, `/ip4/${host}/tcp/0/ws`] : [`/ip4/${host}/tcp/0`],
        // Fixed identities, for a test whose premise depends on who is closest to which key.
        ...(options.privateKeys?.[i] === undefined ? {} : { privateKey: options.privateKeys[i] })
      }
    })
    await relay.start()
    relays.push(relay)
  }
  return relays
}

export async function startPeer (network: TestNetwork, relays: RelayNode[], roles: string[], options: Partial<PeerInit> = {}): Promise<SlurpPeer> {
  const member = await createTestMember(network, roles)
  const peer = new SlurpPeer({
    network: { rootPublicKey: network.root.publicKey, policy: network.policy },
    member: { signer: member.signer, certificate: member.certificate },
    keyring: await network.keyring(...roles),
    bootstrap: relays.map(r => r.multiaddrs()[0] as string),
    ...options
  })
  await peer.start()
  // Joined means identified: until then a peer's view of the relays is partial.
  await eventually(async () => {
    expect((await knownRelays(peer.libp2p)).length).toBeGreaterThanOrEqual(relays.length)
  })
  return peer
}

/** Waits until `check` passes or the time is up (then throws its last error). */
export async function eventually (check: () => Promise<void> | void, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await check()
      return
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise(resolve => setTimeout(resolve, intervalMs))
    }
  }
}
