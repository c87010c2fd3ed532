/**
 * The age file codec on whatever runtime runs this file (Bun and Deno, from
 * test/runtime/age-file.node.test.ts): which `#age-aead` adapter the runtime's
 * conditions pick, and a round trip through it. Plain asserts: those runtimes do
 * not run vitest. Prints the adapter, one "N passed, N failed" line, and exits
 * non-zero on failure.
 */
import { agePrimitives } from '#age-x25519'
import { ageAead } from '#age-aead'
import { Decrypter, Encrypter } from 'age-encryption'
import { identityToScalar, recipientToPublicKey } from '../../src/crypto/age-keys.ts'
import { AgeNoMatchError, decryptAgeFile, decryptAgeHeader, encryptAgeFile, rewrapAgeFile } from '../../src/crypto/age-file/index.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { X25519StanzaIdentity, X25519StanzaRecipient } from '../../src/crypto/x25519-stanza.ts'
import { assert, check, runChecks } from './checks.ts'

function same (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}
function random (length: number): Uint8Array {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(length, i + 65536)))
  return out
}

const alice = await generateRoleKey()
const bob = await generateRoleKey()
const recipient = (key: { recipient: string }): X25519StanzaRecipient => new X25519StanzaRecipient(agePrimitives, recipientToPublicKey(key.recipient))
const identity = async (key: { identity: string }): Promise<X25519StanzaIdentity> =>
  new X25519StanzaIdentity(agePrimitives, await agePrimitives.importScalar(identityToScalar(key.identity)))

console.log(`#age-aead: ${ageAead.name}`)

check('#age-aead is @noble/ciphers (no native chacha20-poly1305 adapter off Node)', async () => {
  assert(ageAead.name === '@noble/ciphers', `got ${ageAead.name}`)
})

check('round trip: 0 B, 64 KiB, 64 KiB + 1, 1 MiB', async () => {
  for (const size of [0, 65536, 65537, 1 << 20]) {
    const plaintext = random(size)
    const file = await encryptAgeFile([recipient(alice)], plaintext)
    assert(same(await decryptAgeFile([await identity(alice)], file), plaintext), `round trip of ${size} bytes`)
  }
})

check('typage interop, both ways', async () => {
  const plaintext = random(70_000)
  const decrypter = new Decrypter()
  decrypter.addIdentity(alice.identity)
  assert(same(await decrypter.decrypt(await encryptAgeFile([recipient(alice)], plaintext)), plaintext), 'typage opens ours')
  const encrypter = new Encrypter()
  encrypter.addRecipient(alice.recipient)
  assert(same(await decryptAgeFile([await identity(alice)], await encrypter.encrypt(plaintext)), plaintext), 'we open typage\'s')
})

check('re-wrap: new reader opens, old one is denied, payload unchanged', async () => {
  const plaintext = random(1000)
  const file = await encryptAgeFile([recipient(alice)], plaintext, { armor: true })
  const rewrapped = await rewrapAgeFile(file, [await identity(alice)], [recipient(bob)])
  assert(same(await decryptAgeFile([await identity(bob)], rewrapped), plaintext), 'bob opens')
  const before = await decryptAgeHeader([await identity(alice)], file)
  const after = await decryptAgeHeader([await identity(bob)], rewrapped)
  assert(same(before.payload, after.payload), 'payload unchanged')
  try {
    await decryptAgeFile([await identity(alice)], rewrapped)
    throw new Error('alice opened the re-wrapped file')
  } catch (error) {
    assert(error instanceof AgeNoMatchError, `AgeNoMatchError expected, got ${String(error)}`)
  }
})

await runChecks()
