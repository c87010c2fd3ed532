import { describe, expect, it } from 'vitest'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { decryptWithKeyring, encryptForRole } from '../../src/crypto/role-crypto.ts'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../../src/encoding/bytes.ts'
import { AccessDeniedError } from '../../src/errors.ts'
import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { readersOf } from '../../src/roles/role.ts'
import { readerKeyFor } from '../../src/trust/policy-keys.ts'
import { verifyPolicy } from '../../src/trust/policy.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { createTestNetwork } from '../helpers/network.ts'

/** How many recipient stanzas an age file's header holds. */
function stanzas (ciphertext: Uint8Array): number {
  const header = new TextDecoder('latin1').decode(ciphertext.subarray(0, Math.min(ciphertext.length, 4096))).split('\n---')[0] as string
  return header.split('\n').filter(line => line.startsWith('-> ')).length
}

async function readerKeyring (identities: Array<[string, string]>, policy: Parameters<typeof unlockPolicyKeys>[0]): Promise<RoleKeyring> {
  const keyring = await RoleKeyring.from(identities)
  await unlockPolicyKeys(policy, keyring)
  return keyring
}

describe('reader keys', () => {
  it('a record is encrypted to one reader key whatever the number of reader roles, and every reader role opens it', async () => {
    const network = await createTestNetwork()
    const ciphertext = await encryptForRole(network.policy, 'backend_developer', utf8Encode('context'))
    expect(readersOf(network.policy.roles, 'backend_developer').length).toBeGreaterThan(4)
    expect(stanzas(ciphertext)).toBe(1)
    for (const role of readersOf(network.policy.roles, 'backend_developer')) {
      const opened = await decryptWithKeyring(await readerKeyring([[role, network.identities[role] as string]], network.policy), ciphertext)
      expect(utf8Decode(opened.plaintext)).toBe('context')
      expect(opened.role).toBe(role)
    }
    // A role outside the reader set unseals no key that opens it.
    await expect(decryptWithKeyring(await readerKeyring([['observer', network.identities.observer as string]], network.policy), ciphertext)).rejects.toThrow(AccessDeniedError)
  })

  it('a policy without reader keys still encrypts to each reader role (format of records written before)', async () => {
    const network = await createTestNetwork({}, { readerKeys: false })
    const ciphertext = await encryptForRole(network.policy, 'backend_developer', utf8Encode('old'))
    expect(stanzas(ciphertext)).toBe(readersOf(network.policy.roles, 'backend_developer').length)
    const opened = await decryptWithKeyring(await RoleKeyring.from([['admin', network.identities.admin as string]]), ciphertext)
    expect(utf8Decode(opened.plaintext)).toBe('old')
  })

  it('after a rotation: the new role key opens old and new records, the old key opens nothing written after', async () => {
    const network = await createTestNetwork()
    const admin = new TestKeyAdmin(network)
    const before = await encryptForRole(network.policy, 'backend_developer', utf8Encode('before'))
    const oldKey = network.identities.frontend_developer as string
    const signed = await admin.rotate(['frontend_developer'])
    const policy = await verifyPolicy(signed, network.root.publicKey)
    expect(policy.version).toBe(2)
    const after = await encryptForRole(policy, 'backend_developer', utf8Encode('after'))
    expect(readerKeyFor(policy, readersOf(policy.roles, 'backend_developer'))?.epoch).toBe(2)
    // Sets without the rotated role keep their key.
    const untouched = readerKeyFor(policy, readersOf(policy.roles, 'observer'))
    expect(untouched?.epoch).toBe(1)

    const renewed = await readerKeyring([['frontend_developer', admin.current('frontend_developer')]], policy)
    expect(utf8Decode((await decryptWithKeyring(renewed, before)).plaintext)).toBe('before')
    expect(utf8Decode((await decryptWithKeyring(renewed, after)).plaintext)).toBe('after')

    // The old key, with everything it could unseal from either policy, never opens the new record.
    const stale = await readerKeyring([['frontend_developer', oldKey]], network.policy)
    await unlockPolicyKeys(policy, stale)
    expect(utf8Decode((await decryptWithKeyring(stale, before)).plaintext)).toBe('before')
    await expect(decryptWithKeyring(stale, after)).rejects.toThrow(AccessDeniedError)
  })

  it('the admin key (from the root seed) opens every sealed reader key; relays and strangers cannot', async () => {
    const network = await createTestNetwork()
    const adminRing = await RoleKeyring.from([['admin', network.admin.identity]])
    for (const entry of network.policy.readerKeys ?? []) {
      await expect(decryptWithKeyring(adminRing, fromBase64url(entry.sealed), { roleKeysOnly: true })).resolves.toBeDefined()
    }
  })
})
