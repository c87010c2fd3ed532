import { SlurpPeer } from '../src/peer.ts'
import type { PeerInit } from '../src/peer.ts'
import { NetworkError } from '../src/errors.ts'
import type { NetworkDir } from './network-dir.ts'
import { localRelays } from './relay-registry.ts'
import { newestPolicy } from './policy-files.ts'
import { memberIdentity } from '../src/crypto/member-recipient.ts'
import type { KeysChangedDetail } from '../src/peer/peer-keys.ts'

/**
 * A CLI peer for one command: the member key, certificate and role keys from
 * the network directory; relays from --bootstrap, or else the relays running
 * from the same directory on this machine.
 */
export interface OpenPeerOptions {
  replicationFactor?: number
  minReplicas?: number
  /** The libp2p node's identity and listen addresses (a coordinator runs as its voter key, reachable by the other voters). */
  node?: PeerInit['node']
}

export async function openPeer (dir: NetworkDir, bootstrap: string[], options: OpenPeerOptions = {}): Promise<SlurpPeer> {
  const { rootPublicKey } = await dir.readNetwork()
  const { policy, signed } = await newestPolicy(dir)
  const member = await dir.readMember()
  const keyring = await dir.keyring()
  const relays = bootstrap.length > 0 ? bootstrap : (await localRelays(dir.path)).flatMap(entry => entry.multiaddrs.slice(0, 1))
  if (relays.length === 0) {
    throw new NetworkError(`no relays to talk to: pass --bootstrap MULTIADDR, or start one with "slurp relay --dir ${dir.path}"`)
  }
  const peer = new SlurpPeer({
    network: { rootPublicKey, policy, signedPolicy: signed },
    member: { ...member, deliveryIdentity: memberIdentity(await dir.readMemberSeed()) },
    keyring,
    bootstrap: relays,
    ...(options.replicationFactor === undefined ? {} : { replicationFactor: options.replicationFactor }),
    ...(options.minReplicas === undefined ? {} : { minReplicas: options.minReplicas }),
    ...(options.node === undefined ? {} : { node: options.node })
  })
  // A newer policy the relays hand over (a rotation, a revocation) is kept here for the next command.
  peer.addEventListener('keys', event => { dir.writePolicy((event as CustomEvent<KeysChangedDetail>).detail.signed).catch(() => {}) })
  await peer.start({ signal: AbortSignal.timeout(10_000) })
  if (peer.status().connections === 0) {
    await peer.stop()
    throw new NetworkError(`could not reach any relay (${relays.join(', ')})`)
  }
  return peer
}

/** Runs `work` with a started peer and always stops it. */
export async function withPeer<T> (dir: NetworkDir, bootstrap: string[], work: (peer: SlurpPeer) => Promise<T>, options: OpenPeerOptions = {}): Promise<T> {
  const peer = await openPeer(dir, bootstrap, options)
  try {
    return await work(peer)
  } finally {
    await peer.stop()
  }
}
