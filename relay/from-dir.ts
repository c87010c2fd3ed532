import type { SlurpPeer } from '../src/peer.ts'
import { NetworkDir } from './network-dir.ts'
import { openPeer } from './peer-from-dir.ts'

export interface PeerFromDirOptions {
  /** Relays to join (multiaddrs); default: the relays running from the same directory on this machine. */
  readonly bootstrap?: readonly string[]
  readonly replicationFactor?: number
  readonly minReplicas?: number
}

/**
 * A started peer for a Node program, from a `slurp init` (or invite) directory:
 * its member key, certificate, role keys and newest policy. The counterpart of
 * the browser's createBrowserPeerFromInvite. Stop it with `peer.stop()`.
 */
export async function createPeerFromDir (dir: string, options: PeerFromDirOptions = {}): Promise<SlurpPeer> {
  return await openPeer(new NetworkDir(dir), [...(options.bootstrap ?? [])], {
    ...(options.replicationFactor === undefined ? {} : { replicationFactor: options.replicationFactor }),
    ...(options.minReplicas === undefined ? {} : { minReplicas: options.minReplicas })
  })
}
