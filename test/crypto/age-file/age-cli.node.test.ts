import { afterAll, describe, expect, it } from 'vitest'
import { AgeNoMatchError, CHUNK_BYTES, decryptAgeFile, decryptAgeHeader, encryptAgeFile, rewrapAgeFile } from '../../../src/crypto/age-file/index.ts'
import { identityFiles } from '../../helpers/age-cli.ts'
import { runAge } from './run-age.ts'
import { SAME, randomBytes, sameBytes, testKeys } from './keys.ts'

// Interoperability with the reference implementation (Debian's /usr/bin/age).
const [alice, bob, carol] = await testKeys(3) as [Awaited<ReturnType<typeof testKeys>>[number], Awaited<ReturnType<typeof testKeys>>[number], Awaited<ReturnType<typeof testKeys>>[number]]
const files = await identityFiles({ alice: alice.identity, bob: bob.identity, carol: carol.identity })
afterAll(files.cleanup)

const SIZES = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES, 1024 * 1024]

describe('age file codec ↔ age CLI', () => {
  for (const armor of [false, true]) {
    for (const size of SIZES) {
      const kind = armor ? 'armored' : 'binary'
      it(`age -d opens what we wrote (${size} bytes, ${kind})`, async () => {
        const plaintext = randomBytes(size)
        const file = await encryptAgeFile([alice.recipientObject, bob.recipientObject], plaintext, { armor })
        expect(sameBytes(await runAge(['-d', '-i', files.path('bob')], file), plaintext)).toEqual(SAME)
        expect(sameBytes(await runAge(['-d', '-i', files.path('alice')], file), plaintext)).toEqual(SAME)
        await expect(runAge(['-d', '-i', files.path('carol')], file)).rejects.toThrow(/no identity matched/)
      })

      it(`we open what age -r wrote (${size} bytes, ${kind})`, async () => {
        const plaintext = randomBytes(size)
        const file = await runAge(['-r', carol.recipient, '-r', alice.recipient, ...(armor ? ['--armor'] : [])], plaintext)
        expect(sameBytes(await decryptAgeFile([await alice.identityObject()], file), plaintext)).toEqual(SAME)
        await expect(decryptAgeFile([await bob.identityObject()], file)).rejects.toThrow(AgeNoMatchError)
      })
    }
  }

  for (const size of [0, CHUNK_BYTES + 1, 1024 * 1024]) {
    it(`a re-wrapped file opens with the new key in age, not with the old one, payload unchanged (${size} bytes)`, async () => {
      const plaintext = randomBytes(size)
      // Written by the CLI, re-wrapped by us, read by the CLI again.
      const original = await runAge(['-r', alice.recipient], plaintext)
      const rewrapped = await rewrapAgeFile(original, [await alice.identityObject()], [bob.recipientObject])
      expect(sameBytes(await runAge(['-d', '-i', files.path('bob')], rewrapped), plaintext)).toEqual(SAME)
      await expect(runAge(['-d', '-i', files.path('alice')], rewrapped)).rejects.toThrow(/no identity matched/)
      await expect(decryptAgeFile([await alice.identityObject()], rewrapped)).rejects.toThrow(AgeNoMatchError)
      const before = await decryptAgeHeader([await alice.identityObject()], original)
      const after = await decryptAgeHeader([await bob.identityObject()], rewrapped)
      expect(sameBytes(after.payload, before.payload)).toEqual(SAME)
      expect(sameBytes(rewrapped.subarray(after.headerLength), original.subarray(before.headerLength))).toEqual(SAME)
    })
  }
})
