import { describe, expect, it } from 'vitest'
import { keyFingerprint, recipientOf } from '../../src/crypto/index.ts'
import { decryptWithKeyring, encryptForRole, encryptToRecipients, isArmored } from '../../src/crypto/role-crypto.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { AccessDeniedError, DecryptionError, InvalidKeyError, UnknownRoleError } from '../../src/errors.ts'
import { readersOf } from '../../src/roles/role.ts'
import { createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
const message = new TextEncoder().encode('why we chose LevelDB for relays')

describe('role encryption', () => {
  it('every reader of the creator role can decrypt, and learns which role opened it', async () => {
    const ciphertext = await encryptForRole(network.policy, 'backend_developer', message)
    const readers = readersOf(network.policy.roles, 'backend_developer')
    expect(readers).toContain('senior_architect')
    for (const role of readers) {
      const opened = await decryptWithKeyring(await network.keyring(role), ciphertext)
      expect(opened.plaintext).toEqual(message)
      expect(opened.role).toBe(role)
    }
  })

  it('a role outside readersOf gets AccessDeniedError', async () => {
    const ciphertext = await encryptForRole(network.policy, 'devops_engineer', message)
    expect(readersOf(network.policy.roles, 'devops_engineer')).not.toContain('frontend_developer')
    await expect(decryptWithKeyring(await network.keyring('frontend_developer'), ciphertext)).rejects.toThrow(AccessDeniedError)
    await expect(decryptWithKeyring(new RoleKeyring(), ciphertext)).rejects.toThrow(/no role keys are held/)
  })

  it('armored output round-trips', async () => {
    const ciphertext = await encryptForRole(network.policy, 'admin', message, { armor: true })
    expect(isArmored(ciphertext)).toBe(true)
    expect(new TextDecoder().decode(ciphertext)).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/)
    expect((await decryptWithKeyring(await network.keyring('admin'), ciphertext)).plaintext).toEqual(message)
  })

  it('tampered or truncated ciphertext is a DecryptionError, never plaintext', async () => {
    const ciphertext = await encryptForRole(network.policy, 'admin', message)
    const keyring = await network.keyring('admin')
    const tampered = ciphertext.slice()
    const at = tampered.length - 5
    tampered[at] = (tampered[at] as number) ^ 1
    await expect(decryptWithKeyring(keyring, tampered)).rejects.toThrow(DecryptionError)
    await expect(decryptWithKeyring(keyring, ciphertext.subarray(0, ciphertext.length - 20))).rejects.toThrow(DecryptionError)
    await expect(decryptWithKeyring(keyring, new Uint8Array([1, 2, 3]))).rejects.toThrow(DecryptionError)
  })

  it('unknown creator roles and bad recipients are named errors', async () => {
    await expect(encryptForRole(network.policy, 'nobody', message)).rejects.toThrow(UnknownRoleError)
    await expect(encryptToRecipients(['age1notarecipient'], message)).rejects.toThrow(InvalidKeyError)
    await expect(RoleKeyring.from([['admin', 'AGE-SECRET-KEY-1BAD']])).rejects.toThrow(InvalidKeyError)
  })

  it('large payloads (1 MiB) round-trip', async () => {
    const big = crypto.getRandomValues(new Uint8Array(65536))
    const payload = new Uint8Array(1024 * 1024)
    for (let i = 0; i < 16; i++) payload.set(big, i * 65536)
    const ciphertext = await encryptForRole(network.policy, 'devops_engineer', payload)
    expect((await decryptWithKeyring(await network.keyring('devops_engineer'), ciphertext)).plaintext).toEqual(payload)
  })
})

describe('role keys', () => {
  it('recipientOf derives the same recipient as generation', async () => {
    const pair = await generateRoleKey()
    expect(pair.identity).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/)
    expect(pair.recipient).toMatch(/^age1[0-9a-z]+$/)
    expect(await recipientOf(pair.identity)).toBe(pair.recipient)
  })

  it('fingerprints are stable and distinct', async () => {
    const a = await generateRoleKey()
    const b = await generateRoleKey()
    expect(keyFingerprint(a.recipient)).toBe(keyFingerprint(a.recipient))
    expect(keyFingerprint(a.recipient)).toMatch(/^sha256:[0-9a-f]{32}$/)
    expect(keyFingerprint(a.recipient)).not.toBe(keyFingerprint(b.recipient))
  })
})

describe('recipient parsing', () => {
  it('accepts X25519 recipients whatever their first characters, rejects other age types', async () => {
    const { recipientToPublicKey, publicKeyToRecipient } = await import('../../src/crypto/age-keys.ts')
    // Random keys whose bech32 form happens to start like "age1pq…" are still X25519.
    for (let i = 0; i < 4096; i++) {
      const key = crypto.getRandomValues(new Uint8Array(32))
      expect(recipientToPublicKey(publicKeyToRecipient(key))).toEqual(key)
    }
    expect(() => recipientToPublicKey('age1pq1' + 'q'.repeat(60))).toThrow(InvalidKeyError)
  })
})
