import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { recipientOf } from '../../src/crypto/generate.ts'
import { memberIdentity, memberRecipient } from '../../src/crypto/member-recipient.ts'
import { decrypt, encryptToRecipients } from '../../src/crypto/role-crypto.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { InvalidKeyError } from '../../src/errors.ts'
import { signingKeyFromSeed } from '../../src/trust/signing-key.ts'

describe('member recipients (Ed25519 member keys as age X25519 recipients)', () => {
  it('the identity from a seed matches the recipient from its public key', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async seed => {
      const signer = await signingKeyFromSeed(seed)
      expect(await recipientOf(memberIdentity(seed))).toBe(memberRecipient(signer.publicKey))
    }), { numRuns: 25 })
  })

  it('opens what was encrypted to the member, and another member cannot', async () => {
    const seed = new Uint8Array(32).fill(7)
    const other = new Uint8Array(32).fill(8)
    const ciphertext = await encryptToRecipients([memberRecipient((await signingKeyFromSeed(seed)).publicKey)], new TextEncoder().encode('bundle'))
    expect(new TextDecoder().decode(await decrypt(await RoleKeyring.from([['member', memberIdentity(seed)]]), ciphertext))).toBe('bundle')
    await expect(decrypt(await RoleKeyring.from([['member', memberIdentity(other)]]), ciphertext)).rejects.toThrow(/none of the held roles/)
  })

  it('refuses keys of the wrong size', () => {
    expect(() => memberRecipient(new Uint8Array(31))).toThrow(InvalidKeyError)
    expect(() => memberIdentity(new Uint8Array(33))).toThrow(InvalidKeyError)
  })
})
