import { generateKeyPairFromSeed } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'
import { NotFoundError } from '../src/errors.ts'
import { seedFromPem, seedToPem } from '../src/trust/signing-key.ts'
import { readText, writeFileAtomic } from './key-files.ts'

/**
 * A node's libp2p identity, kept so its peer id survives restarts (others
 * bootstrap from it). Same file format as the other Ed25519 keys: PKCS #8 PEM.
 */
export async function loadOrCreateNodeKey (path: string): Promise<PrivateKey> {
  let seed: Uint8Array
  try {
    seed = seedFromPem(await readText(path, 'node key'))
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error
    seed = crypto.getRandomValues(new Uint8Array(32))
    await writeFileAtomic(path, seedToPem(seed), 0o600)
  }
  return await generateKeyPairFromSeed('Ed25519', seed)
}
