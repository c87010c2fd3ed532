import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { decryptWithKeyring } from '../../src/crypto/role-crypto.ts'
import { DIR_OPTION, dirFrom } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'

export const decrypt: Command = {
  name: 'decrypt',
  summary: 'decrypt age ciphertext (binary or armored) from stdin with the role keys you hold',
  usage: 'slurp decrypt [--role ROLE] [--dir .slurp] < ciphertext > plaintext',
  details: [
    'Tries every key in DIR/keys, or only ROLE\'s with --role. Exits 4 (access denied)',
    'when none of them can open it, 5 when the input is not a valid age file.'
  ].join('\n'),
  options: { ...DIR_OPTION, role: { type: 'string', short: 'r' } },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const role = args.values.role as string | undefined
    const keyring = await dir.keyring(role === undefined ? undefined : [role])
    // What is written to a reader set opens with the reader keys these role keys unseal from the policy.
    await unlockPolicyKeys(await dir.readPolicy(), keyring)
    const { plaintext, role: opened } = await decryptWithKeyring(keyring, await io.readStdin())
    io.stderr(`decrypted with role ${opened}\n`)
    io.stdout(plaintext)
  }
}
