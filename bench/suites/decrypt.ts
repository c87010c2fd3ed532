import { recipientToPublicKey } from '../../src/crypto/age-keys.ts'
import type { RoleKeyPair } from '../../src/crypto/generate.ts'
import { decryptWithKeyring, encryptToRecipients } from '../../src/crypto/role-crypto.ts'
import { SectionBuilder } from '../builder.ts'
import { CRYPTO_SIZES, RECIPIENT_COUNTS, decryptGroup } from '../cases.ts'
import { nativeDecrypt, nativeEncrypt, x25519PublicKey } from '../native-age.ts'
import type { BenchOptions } from '../options.ts'
import { MiB, payload } from '../payload.ts'
import { reader } from '../readers.ts'
import type { Section } from '../section.ts'
import { typageEncrypt } from '../typage.ts'
import { cycle, expectSame } from '../cycle.ts'

/**
 * The node:crypto adapter caches imported public keys (up to 1025, then it
 * starts over). Decrypting one file again and again would hit that cache for
 * every ephemeral share, which fresh records never do, so each case cycles
 * through enough distinct files that every share lookup misses.
 */
const DISTINCT_SHARES = 1100
// 1 MiB files cannot be kept by the thousand; their payload dwarfs a key import anyway.
const LARGE_POOL = 4

export async function decryptSuite (options: BenchOptions, keys: readonly RoleKeyPair[]): Promise<Section> {
  const builder = new SectionBuilder('age decryption (the reader\'s stanza is last: one key agreement per recipient)', [
    { label: '×typage', id: 'typage' },
    { label: '×native', id: 'native' }
  ], options)
  for (const bytes of CRYPTO_SIZES) {
    const plaintext = payload(bytes)
    for (const count of RECIPIENT_COUNTS) {
      const recipients = keys.slice(0, count).map(key => key.recipient)
      const held = await reader(keys[count - 1] as RoleKeyPair)
      const poolSize = bytes >= MiB ? LARGE_POOL : Math.ceil(DISTINCT_SHARES / count)
      const files: Uint8Array[] = []
      for (let i = 0; i < poolSize; i++) files.push(await encryptToRecipients(recipients, plaintext))
      const typageFile = await typageEncrypt(recipients, plaintext)
      const nativeKeys = recipients.map(recipient => x25519PublicKey(recipientToPublicKey(recipient)))
      const nativeFiles = Array.from({ length: poolSize }, () => nativeEncrypt(nativeKeys, plaintext))
      expectSame((await decryptWithKeyring(held.keyring, typageFile)).plaintext, plaintext, 'slurp opening a typage file')
      expectSame(await held.typage.decrypt(files[0] as Uint8Array), plaintext, 'typage opening a slurp file')
      expectSame(nativeDecrypt(held.native, nativeFiles[0] as ReturnType<typeof nativeEncrypt>), plaintext, 'the node:crypto floor')

      const group = decryptGroup(bytes, count)
      const hotFile = files[0] as Uint8Array
      await builder.compare(group, [
        { id: 'slurp', name: 'slurp', op: cycle(files, async file => await decryptWithKeyring(held.keyring, file)) },
        // Only where a key import is a visible share of the work.
        ...bytes < 64 * 1024 ? [{ id: 'slurp-hot', name: 'slurp, one file (hot key cache)', op: async () => await decryptWithKeyring(held.keyring, hotFile) }] : [],
        { id: 'typage', name: 'typage', op: cycle(files, async file => await held.typage.decrypt(file)) },
        { id: 'native', name: 'node:crypto floor', op: cycle(nativeFiles, file => nativeDecrypt(held.native, file)) }
      ])
    }
  }
  builder.note('slurp: decryptWithKeyring(RoleKeyring.from([[role, identity]]), file); typage: one Decrypter with addIdentity(\'AGE-SECRET-KEY-1…\'), reused. Both open the same slurp-written files.')
  builder.note(`Files are cycled (${DISTINCT_SHARES} distinct shares per case; ${LARGE_POOL} files at 1 MiB) so slurp's public-key cache misses as on fresh records.`)
  builder.note('"hot key cache" decrypts one file repeatedly: the difference is the cost of importing each share (node:crypto DER import).')
  builder.note('node:crypto floor: per stanza tried a JWK share import + diffieHellman + unwrap, then ChaCha20-Poly1305 over 64 KiB chunks.')
  return builder.build()
}
