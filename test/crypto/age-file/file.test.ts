import { Decrypter, Encrypter, armor } from 'age-encryption'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  AgeMalformedError, AgeNoMatchError, CHUNK_BYTES, decryptAgeFile, decryptAgeHeader, encryptAgeFile, parseHeader, rewrapAgeFile
} from '../../../src/crypto/age-file/index.ts'
import type { Identity } from '../../../src/crypto/age-file/index.ts'
import { AccessDeniedError, DecryptionError } from '../../../src/errors.ts'
import { SAME, randomBytes, sameBytes, testKeys } from './keys.ts'

const [alice, bob, carol] = await testKeys(3) as [Awaited<ReturnType<typeof testKeys>>[number], Awaited<ReturnType<typeof testKeys>>[number], Awaited<ReturnType<typeof testKeys>>[number]]
const SIZES = [0, 1, 1024, CHUNK_BYTES, CHUNK_BYTES + 1, 1024 * 1024]

async function typageDecrypt (identity: string, file: Uint8Array): Promise<Uint8Array> {
  const decrypter = new Decrypter()
  decrypter.addIdentity(identity)
  return await decrypter.decrypt(file)
}

async function typageEncrypt (recipients: string[], plaintext: Uint8Array): Promise<Uint8Array> {
  const encrypter = new Encrypter()
  for (const recipient of recipients) encrypter.addRecipient(recipient)
  return await encrypter.encrypt(plaintext)
}

async function failure (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a failure, got a result')
}

describe('age file codec: interop with typage', () => {
  for (const size of SIZES) {
    it(`typage opens what we wrote, and we open what typage wrote (${size} bytes)`, async () => {
      const plaintext = randomBytes(size)
      const ours = await encryptAgeFile([alice.recipientObject, bob.recipientObject], plaintext)
      expect(sameBytes(await typageDecrypt(bob.identity, ours), plaintext)).toEqual(SAME)
      const theirs = await typageEncrypt([carol.recipient, alice.recipient], plaintext)
      expect(sameBytes(await decryptAgeFile([await alice.identityObject()], theirs), plaintext)).toEqual(SAME)
      expect(sameBytes(await decryptAgeFile([await bob.identityObject(), await alice.identityObject()], theirs), plaintext)).toEqual(SAME)
    })
  }

  it('armor, both ways', async () => {
    const plaintext = randomBytes(5000)
    const ours = await encryptAgeFile([alice.recipientObject], plaintext, { armor: true })
    const text = new TextDecoder().decode(ours)
    expect(text).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/)
    expect(sameBytes(await typageDecrypt(alice.identity, armor.decode(text)), plaintext)).toEqual(SAME)
    const theirs = new TextEncoder().encode(`\n  ${armor.encode(await typageEncrypt([alice.recipient], plaintext))}\n`)
    expect(sameBytes(await decryptAgeFile([await alice.identityObject()], theirs), plaintext)).toEqual(SAME)
  })
})

describe('age file codec: errors', () => {
  it('"no identity matched" and "malformed" are different classes, and subclasses of the project\'s errors', async () => {
    const file = await encryptAgeFile([alice.recipientObject], randomBytes(100))
    const denied = await failure(decryptAgeFile([await bob.identityObject()], file))
    expect(denied).toBeInstanceOf(AgeNoMatchError)
    expect(denied).toBeInstanceOf(AccessDeniedError)
    expect(denied).not.toBeInstanceOf(AgeMalformedError)
    expect(await failure(decryptAgeFile([], file))).toBeInstanceOf(AgeNoMatchError)

    const tampered = file.slice()
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1
    const broken = await failure(decryptAgeFile([await alice.identityObject()], tampered))
    expect(broken).toBeInstanceOf(AgeMalformedError)
    expect(broken).toBeInstanceOf(DecryptionError)
    expect((broken as AgeMalformedError).reason).toBe('payload')
    // Garbage is malformed even for a reader who holds no matching key.
    expect(await failure(decryptAgeFile([await bob.identityObject()], new Uint8Array([1, 2, 3])))).toBeInstanceOf(AgeMalformedError)
  })

  it('a header altered after encryption fails its MAC', async () => {
    const file = await encryptAgeFile([alice.recipientObject, bob.recipientObject], randomBytes(10))
    const header = parseHeader(file)
    // Drop bob's stanza: still well-formed, but not what was MACed.
    const withoutBob = new TextDecoder().decode(file.subarray(0, header.length)).split('\n')
    withoutBob.splice(3, 2)
    const forged = new Uint8Array([...new TextEncoder().encode(withoutBob.join('\n')), ...file.subarray(header.length)])
    expect(parseHeader(forged).stanzas).toHaveLength(1)
    const error = await failure(decryptAgeFile([await alice.identityObject()], forged))
    expect((error as AgeMalformedError).reason).toBe('mac')
  })

  it('identity errors and bad recipients are malformed stanzas; no recipients is a TypeError', async () => {
    const file = await encryptAgeFile([alice.recipientObject], randomBytes(10))
    const throwing: Identity = { unwrapFileKey: () => { throw new Error('broken stanza') } }
    expect((await failure(decryptAgeFile([throwing], file)) as AgeMalformedError).reason).toBe('stanza')
    const longKey: Identity = { unwrapFileKey: () => new Uint8Array(32) }
    expect((await failure(decryptAgeFile([longKey], file)) as AgeMalformedError).reason).toBe('stanza')
    const badRecipient = { wrapFileKey: () => [{ args: ['two words'], body: new Uint8Array(0) }] }
    expect((await failure(encryptAgeFile([badRecipient], new Uint8Array(1))) as AgeMalformedError).reason).toBe('stanza')
    await expect(encryptAgeFile([], new Uint8Array(1))).rejects.toThrow(TypeError)
  })
})

describe('age file codec: header only, and re-wrapping', () => {
  it('decryptAgeHeader gives the file key, header length, matching identity and payload', async () => {
    const plaintext = randomBytes(70_000)
    const file = await encryptAgeFile([alice.recipientObject, bob.recipientObject], plaintext)
    const bobIdentity = await bob.identityObject()
    const opened = await decryptAgeHeader([await carol.identityObject(), bobIdentity], file)
    expect(opened.fileKey).toHaveLength(16)
    expect(opened.identity).toBe(bobIdentity)
    expect(opened.headerLength).toBe(parseHeader(file).length)
    expect(sameBytes(opened.payload, file.subarray(opened.headerLength))).toEqual(SAME)
    expect(opened.stanzas.map(stanza => stanza.args[0])).toEqual(['X25519', 'X25519'])
    // typage's own header API agrees on the file key.
    const decrypter = new Decrypter()
    decrypter.addIdentity(alice.identity)
    expect(await decrypter.decryptHeader(file.subarray(0, opened.headerLength))).toEqual(opened.fileKey)
  })

  for (const size of [0, CHUNK_BYTES + 1]) {
    it(`a re-wrapped file opens for the new reader only, with its payload bytes unchanged (${size} bytes)`, async () => {
      const plaintext = randomBytes(size)
      const file = await encryptAgeFile([alice.recipientObject], plaintext)
      const rewrapped = await rewrapAgeFile(file, [await alice.identityObject()], [bob.recipientObject, carol.recipientObject])
      const before = await decryptAgeHeader([await alice.identityObject()], file)
      const after = await decryptAgeHeader([await bob.identityObject()], rewrapped)
      expect(sameBytes(after.payload, before.payload)).toEqual(SAME)
      expect(after.fileKey).toEqual(before.fileKey)
      expect(sameBytes(await decryptAgeFile([await bob.identityObject()], rewrapped), plaintext)).toEqual(SAME)
      expect(sameBytes(await typageDecrypt(carol.identity, rewrapped), plaintext)).toEqual(SAME)
      expect(await failure(decryptAgeFile([await alice.identityObject()], rewrapped))).toBeInstanceOf(AgeNoMatchError)
      // Fresh ephemeral shares: nothing of the old header survives but the version line.
      expect(new TextDecoder().decode(rewrapped.subarray(0, after.headerLength))).not.toContain(new TextDecoder().decode(file.subarray(22, before.headerLength)))
    })
  }

  it('re-wraps armored input, writes armor on request, and refuses tampered headers and truncated payloads', async () => {
    const plaintext = randomBytes(300)
    const armored = await encryptAgeFile([alice.recipientObject], plaintext, { armor: true })
    const rewrapped = await rewrapAgeFile(armored, [await alice.identityObject()], [bob.recipientObject], { armor: true })
    expect(new TextDecoder().decode(rewrapped)).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/)
    expect(sameBytes(await decryptAgeFile([await bob.identityObject()], rewrapped), plaintext)).toEqual(SAME)

    const file = await encryptAgeFile([alice.recipientObject], plaintext)
    const { headerLength } = await decryptAgeHeader([await alice.identityObject()], file)
    const badMac = file.slice()
    badMac[headerLength - 3] = badMac[headerLength - 3] === 0x41 ? 0x42 : 0x41
    expect(await failure(rewrapAgeFile(badMac, [await alice.identityObject()], [bob.recipientObject]))).toBeInstanceOf(AgeMalformedError)
    expect((await failure(rewrapAgeFile(file.subarray(0, headerLength + 16), [await alice.identityObject()], [bob.recipientObject])) as AgeMalformedError).reason).toBe('payload')
    expect(await failure(rewrapAgeFile(file, [await bob.identityObject()], [carol.recipientObject]))).toBeInstanceOf(AgeNoMatchError)
  })
})

describe('age file codec (properties)', () => {
  const keys = [alice, bob, carol]

  it('round-trips any size to any number of recipients, for each of them', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 3 * CHUNK_BYTES + 10 }),
      fc.integer({ min: 1, max: 3 }),
      fc.nat(),
      fc.boolean(),
      async (size, count, pick, armored) => {
        const plaintext = randomBytes(size)
        const chosen = keys.slice(0, count)
        const file = await encryptAgeFile(chosen.map(key => key.recipientObject), plaintext, { armor: armored })
        const reader = chosen[pick % count] as typeof alice
        expect(sameBytes(await decryptAgeFile([await reader.identityObject()], file), plaintext)).toEqual(SAME)
        if (count < keys.length) {
          expect(await failure(decryptAgeFile([await (keys[count] as typeof alice).identityObject()], file))).toBeInstanceOf(AgeNoMatchError)
        }
      }
    ), { numRuns: 40 })
  })

  it('any single altered byte is rejected with a named error, never plaintext', async () => {
    const files = [
      await encryptAgeFile([alice.recipientObject], randomBytes(200)),
      await encryptAgeFile([bob.recipientObject, alice.recipientObject], randomBytes(CHUNK_BYTES + 3)),
      await encryptAgeFile([alice.recipientObject], new Uint8Array(0))
    ]
    const identity = await alice.identityObject()
    await fc.assert(fc.asyncProperty(fc.nat({ max: files.length - 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), async (which, at, xor) => {
      const file = (files[which] as Uint8Array).slice()
      const index = at % file.length
      file[index] = (file[index] as number) ^ xor
      const error = await failure(decryptAgeFile([identity], file))
      expect(error instanceof AgeMalformedError || error instanceof AgeNoMatchError).toBe(true)
    }), { numRuns: 500 })
  })
})
