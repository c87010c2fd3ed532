import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { voterPeerId, voterPrivateKey } from '../../src/coordinator/voter-identity.ts'
import { InvalidKeyError } from '../../src/errors.ts'
import { signingKeyFromSeed } from '../../src/trust/signing-key.ts'

// A voter runs libp2p with its member key, so the policy's member key names
// the peer id everyone dials and accepts Raft messages from.
describe('voter identity', () => {
  it('the peer id derived from a member public key is the one the voter runs with', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async seed => {
      const member = await signingKeyFromSeed(seed)
      const running = peerIdFromPrivateKey(await voterPrivateKey(seed))
      expect(voterPeerId(member.publicKey).equals(running)).toBe(true)
    }), { numRuns: 20 })
  })

  it('refuses keys and seeds of the wrong length', async () => {
    expect(() => voterPeerId(new Uint8Array(31))).toThrow(InvalidKeyError)
    await expect(voterPrivateKey(new Uint8Array(33))).rejects.toBeInstanceOf(InvalidKeyError)
  })
})
