import { afterAll, describe, expect, it } from 'vitest'
import { decryptWithKeyring, encryptForRole } from '../../src/crypto/role-crypto.ts'
import { readersOf } from '../../src/roles/role.ts'
import { AccessDeniedError } from '../../src/errors.ts'
import { identityFiles, runAge } from '../helpers/age-cli.ts'
import { createTestNetwork } from '../helpers/network.ts'

// Interoperability with the reference implementation (Debian's age 1.1.x): a
// role key file is a plain age identity file, and slurp ciphertexts are age files.
// Role-by-role encryption (policies from before reader keys, and the seals of reader keys): each role key opens it with age -d directly.
const network = await createTestNetwork({}, { readerKeys: false })
const files = await identityFiles(network.identities)
afterAll(files.cleanup)

const sizes = [0, 1, 1024, 64 * 1024 + 17]

describe('age CLI interop', () => {
  for (const armor of [false, true]) {
    for (const size of sizes) {
      it(`age -d decrypts what slurp wrote (${size} bytes, ${armor ? 'armored' : 'binary'})`, async () => {
        const plaintext = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)))
        const full = new Uint8Array(size)
        for (let i = 0; i < size; i += 65536) full.set(plaintext.subarray(0, Math.min(65536, size - i)), i)
        const ciphertext = await encryptForRole(network.policy, 'backend_developer', full, { armor })
        for (const role of readersOf(network.policy.roles, 'backend_developer')) {
          expect(await runAge(['-d', '-i', files.path(role)], ciphertext)).toEqual(full)
        }
        await expect(runAge(['-d', '-i', files.path('observer')], ciphertext)).rejects.toThrow(/no identity matched/)
      })

      it(`slurp decrypts what age -r wrote (${size} bytes, ${armor ? 'armored' : 'binary'})`, async () => {
        const full = crypto.getRandomValues(new Uint8Array(Math.min(size, 65536)))
        const recipients = ['security_engineer', 'qa_engineer'].flatMap(role => ['-r', network.policy.roles[role]?.recipient as string])
        const ciphertext = await runAge([...recipients, ...(armor ? ['--armor'] : [])], full)
        const opened = await decryptWithKeyring(await network.keyring('observer', 'qa_engineer'), ciphertext)
        expect(opened.plaintext).toEqual(full)
        expect(opened.role).toBe('qa_engineer')
        await expect(decryptWithKeyring(await network.keyring('observer'), ciphertext)).rejects.toThrow(AccessDeniedError)
      })
    }
  }
})
