import { ageAead } from '#age-aead'
import { agePrimitives } from '#age-x25519'
import { randomBytes } from 'node:crypto'
import { Decrypter, Encrypter } from 'age-encryption'
import { ageAead as nobleAead } from '../../src/crypto/age-file/aead.web.ts'
import { decryptAgeFile, decryptPayload, encryptAgeFile, encryptPayload } from '../../src/crypto/age-file/index.ts'
import { identityToScalar, recipientToPublicKey } from '../../src/crypto/age-keys.ts'
import type { RoleKeyPair } from '../../src/crypto/generate.ts'
import { X25519StanzaIdentity, X25519StanzaRecipient } from '../../src/crypto/x25519-stanza.ts'
import { SectionBuilder } from '../builder.ts'
import { AGE_FILE_SIZES, ageFileGroup } from '../cases.ts'
import { nativeDecrypt, nativeEncrypt, nativeStreamOpen, nativeStreamSeal, x25519PrivateKey, x25519PublicKey } from '../native-age.ts'
import type { BenchOptions } from '../options.ts'
import { MiB, payload } from '../payload.ts'
import type { Section } from '../section.ts'
import { cycle, expectSame } from '../cycle.ts'

/** As in the decrypt suite: enough distinct files that the X25519 adapter's share cache misses. */
const DISTINCT_FILES = 1100
const LARGE_POOL = 4

/**
 * src/crypto/age-file (our age v1 codec, payload cipher from `#age-aead`) against
 * typage's Encrypter/Decrypter given the very same X25519 stanza recipient and
 * identity objects, so the rows differ only in header and payload code; and the
 * STREAM payload alone against raw node:crypto chacha20-poly1305.
 */
export async function ageFileSuite (options: BenchOptions, keys: readonly RoleKeyPair[]): Promise<Section> {
  const builder = new SectionBuilder(`age file codec (payload cipher #age-aead: ${ageAead.name})`, [
    { label: '×typage', id: 'typage' },
    { label: '×native', id: 'native' }
  ], options)
  const key = keys[0] as RoleKeyPair
  const recipient = new X25519StanzaRecipient(agePrimitives, recipientToPublicKey(key.recipient))
  const identity = new X25519StanzaIdentity(agePrimitives, await agePrimitives.importScalar(identityToScalar(key.identity)))
  const typageEncrypter = new Encrypter()
  typageEncrypter.addRecipient(recipient)
  const typageDecrypter = new Decrypter()
  typageDecrypter.addIdentity(identity)
  const nativePublic = [x25519PublicKey(recipientToPublicKey(key.recipient))]
  const nativePrivate = x25519PrivateKey(identityToScalar(key.identity))

  for (const bytes of AGE_FILE_SIZES) {
    const plaintext = payload(bytes)
    const poolSize = bytes >= MiB ? LARGE_POOL : DISTINCT_FILES
    const files: Uint8Array[] = []
    for (let i = 0; i < poolSize; i++) files.push(await encryptAgeFile([recipient], plaintext))
    const nativeFiles = Array.from({ length: poolSize }, () => nativeEncrypt(nativePublic, plaintext))
    expectSame(await typageDecrypter.decrypt(files[0] as Uint8Array), plaintext, 'typage opening an age-file file')
    expectSame(await decryptAgeFile([identity], await typageEncrypter.encrypt(plaintext)), plaintext, 'age-file opening a typage file')

    await builder.compare(ageFileGroup('encrypt', bytes), [
      { id: 'slurp', name: 'age-file encryptAgeFile', op: async () => await encryptAgeFile([recipient], plaintext) },
      { id: 'typage', name: 'typage Encrypter', op: async () => await typageEncrypter.encrypt(plaintext) },
      { id: 'native', name: 'node:crypto floor', op: () => nativeEncrypt(nativePublic, plaintext) }
    ])
    await builder.compare(ageFileGroup('decrypt', bytes), [
      { id: 'slurp', name: 'age-file decryptAgeFile', op: cycle(files, async file => await decryptAgeFile([identity], file)) },
      { id: 'typage', name: 'typage Decrypter', op: cycle(files, async file => await typageDecrypter.decrypt(file)) },
      { id: 'native', name: 'node:crypto floor', op: cycle(nativeFiles, file => nativeDecrypt(nativePrivate, file)) }
    ])

    // The payload alone: what #age-aead buys, and what Bun and browsers get instead.
    const fileKey = new Uint8Array(randomBytes(16))
    const streamKey = randomBytes(32)
    const sealed = encryptPayload(fileKey, plaintext)
    const nativeChunks = nativeStreamSeal(streamKey, plaintext)
    expectSame(decryptPayload(fileKey, sealed, nobleAead), plaintext, 'the @noble/ciphers STREAM')
    expectSame(nativeStreamOpen(streamKey, nativeChunks), plaintext, 'the node:crypto STREAM')
    await builder.compare(ageFileGroup('STREAM seal', bytes), [
      { id: 'slurp', name: `age-file encryptPayload (${ageAead.name})`, op: () => encryptPayload(fileKey, plaintext) },
      { id: 'noble', name: 'age-file encryptPayload (@noble/ciphers)', op: () => encryptPayload(fileKey, plaintext, nobleAead) },
      { id: 'native', name: 'node:crypto chacha20-poly1305', op: () => nativeStreamSeal(streamKey, plaintext) }
    ])
    await builder.compare(ageFileGroup('STREAM open', bytes), [
      { id: 'slurp', name: `age-file decryptPayload (${ageAead.name})`, op: () => decryptPayload(fileKey, sealed) },
      { id: 'noble', name: 'age-file decryptPayload (@noble/ciphers)', op: () => decryptPayload(fileKey, sealed, nobleAead) },
      { id: 'native', name: 'node:crypto chacha20-poly1305', op: () => nativeStreamOpen(streamKey, nativeChunks) }
    ])
  }
  builder.note('One recipient. age-file and typage use the same X25519StanzaRecipient / X25519StanzaIdentity (#age-x25519), so they differ only in header and payload code.')
  builder.note('typage: one Encrypter and one Decrypter, reused; its payload is pure-JS ChaCha20-Poly1305. node:crypto floor: as in the encryption tables (no header, HKDF or HMAC).')
  builder.note(`Decryption cycles through ${DISTINCT_FILES} files (${LARGE_POOL} at 1 MiB) so the X25519 share cache misses, as on fresh records.`)
  builder.note('STREAM rows: the payload alone (age-file: nonce + HKDF + 64 KiB chunks into one buffer; node:crypto: the chunks alone, no nonce or HKDF, left as separate buffers).')
  return builder.build()
}
