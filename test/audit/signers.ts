import type { CheckpointSigner } from '../../src/audit/checkpoint.ts'
import { peerIdOfPublicKey } from '../../src/audit/peer-key.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'

/** A relay-like signer: an Ed25519 key and the peer id libp2p would give it. */
export async function testSigner (): Promise<CheckpointSigner> {
  const { key } = await generateSigningKey()
  return { id: peerIdOfPublicKey(key.publicKey), sign: async data => await key.sign(data) }
}
