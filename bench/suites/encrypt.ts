import { agePrimitives } from '#age-x25519'
import { recipientToPublicKey } from '../../src/crypto/age-keys.ts'
import type { RoleKeyPair } from '../../src/crypto/generate.ts'
import { decryptWithKeyring, encryptToRecipients } from '../../src/crypto/role-crypto.ts'
import { ageEncrypt, hasAgeBinary } from '../age-cli.ts'
import { SectionBuilder } from '../builder.ts'
import { CRYPTO_SIZES, RECIPIENT_COUNTS, encryptGroup } from '../cases.ts'
import { nativeEncrypt, x25519PublicKey } from '../native-age.ts'
import type { BenchOptions } from '../options.ts'
import { payload } from '../payload.ts'
import { reader } from '../readers.ts'
import type { Section } from '../section.ts'
import { typageEncrypt } from '../typage.ts'

export async function encryptSuite (options: BenchOptions, keys: readonly RoleKeyPair[]): Promise<Section> {
  const builder = new SectionBuilder(`age encryption (slurp's X25519 adapter: ${agePrimitives.name})`, [
    { label: '×typage', id: 'typage' },
    { label: '×native', id: 'native' }
  ], options)
  const cli = hasAgeBinary()
  for (const bytes of CRYPTO_SIZES) {
    const plaintext = payload(bytes)
    for (const count of RECIPIENT_COUNTS) {
      const recipients = keys.slice(0, count).map(key => key.recipient)
      const group = encryptGroup(bytes, count)
      const nativeKeys = recipients.map(recipient => x25519PublicKey(recipientToPublicKey(recipient)))
      await builder.compare(group, [
        { id: 'slurp', name: 'slurp', op: async () => await encryptToRecipients(recipients, plaintext) },
        { id: 'typage', name: 'typage', op: async () => await typageEncrypt(recipients, plaintext) },
        { id: 'native', name: 'node:crypto floor', op: () => nativeEncrypt(nativeKeys, plaintext) }
      ])
      if (cli) {
        // What the CLI writes must open with slurp, or it was not the same job.
        await expectOpens(keys[count - 1] as RoleKeyPair, await ageEncrypt(recipients, plaintext), plaintext)
        await builder.addFixed(group, { id: 'cli', name: 'age CLI + spawn', op: async () => await ageEncrypt(recipients, plaintext) }, options.cliSamples)
      }
    }
  }
  builder.note('slurp: encryptToRecipients(recipients, bytes); typage: new Encrypter() + addRecipient(\'age1…\') per call, its own X25519 (WebCrypto).')
  builder.note('node:crypto floor: per recipient generateKeyPairSync(\'x25519\') + diffieHellman + key wrap, ChaCha20-Poly1305 over 64 KiB chunks; no age header, HKDF or HMAC.')
  if (cli) builder.note(`age CLI: ${options.cliSamples} runs of /usr/bin/age -r … per case, each a new process: spawn and pipe cost included.`)
  else builder.note('age CLI: /usr/bin/age not installed, rows skipped.')
  return builder.build()
}

async function expectOpens (key: RoleKeyPair, ciphertext: Uint8Array, plaintext: Uint8Array): Promise<void> {
  const opened = await decryptWithKeyring((await reader(key)).keyring, ciphertext)
  if (Buffer.compare(opened.plaintext, plaintext) !== 0) throw new Error('age CLI output does not decrypt to the input')
}
