import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { sortByDistance } from '../../src/net/closest.ts'

/**
 * A key pair whose peer id is closer (XOR, as placement measures it) to `key`
 * than every one of `others`, as an attacker grinding identities would make:
 * about others.length + 1 generations on average.
 */
export async function identityCloserThan (key: string, others: readonly PeerId[]): Promise<PrivateKey> {
  const keyBytes = new TextEncoder().encode(key)
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const privateKey = await generateKeyPair('Ed25519')
    const candidate = peerIdFromPrivateKey(privateKey)
    if (sortByDistance(keyBytes, [candidate, ...others])[0] === candidate) return privateKey
  }
  throw new Error(`no identity closer to ${key} than ${others.length} peers in 10,000 tries`)
}
