import { sha256 } from '@noble/hashes/sha2.js'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerId } from '@libp2p/interface'

/**
 * Role discovery (seed 003's AnnounceRole / FindPeersByRole) on DHT provider
 * records. The CID names a role in this network only, so two networks'
 * "backend_developer" never mix: sha256("slurp/role/" + network + "/" + role).
 */
export function roleCid (network: string, role: string): CID {
  const digest = sha256(new TextEncoder().encode(`slurp/role/${network}/${role}`))
  return CID.createV1(raw.code, Digest.create(0x12, digest))
}

export async function announceRole (dht: KadDHT, network: string, role: string, options: { signal?: AbortSignal } = {}): Promise<void> {
  // The events only report progress; draining them runs the query.
  for await (const event of dht.provide(roleCid(network, role), options)) {
    if (event.name === 'QUERY_ERROR') continue
  }
}

export async function findPeersByRole (dht: KadDHT, network: string, role: string, options: { signal?: AbortSignal, limit?: number } = {}): Promise<PeerId[]> {
  const found = new Map<string, PeerId>()
  const limit = options.limit ?? 20
  try {
    for await (const event of dht.findProviders(roleCid(network, role), options)) {
      // kad-dht reports providers both as PROVIDER events and inside PEER_RESPONSE.
      if (event.name !== 'PROVIDER' && event.name !== 'PEER_RESPONSE') continue
      for (const provider of event.providers) found.set(provider.id.toString(), provider.id)
      if (found.size >= limit) break
    }
  } catch (error) {
    if (found.size === 0) throw error
  }
  return [...found.values()]
}
