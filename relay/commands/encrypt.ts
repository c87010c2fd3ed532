import { encryptForRole } from '../../src/crypto/role-crypto.ts'
import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'

export const encrypt: Command = {
  name: 'encrypt',
  summary: 'encrypt stdin to every role that may read what ROLE writes',
  usage: 'slurp encrypt --as ROLE [--armor] [--dir .slurp] < plaintext > ciphertext',
  details: [
    'The output is a standard age file: `age -d -i .slurp/keys/READER.age` opens it',
    'for any READER in the role\'s readers (see `slurp policy`).'
  ].join('\n'),
  options: { ...DIR_OPTION, as: { type: 'string' }, armor: { type: 'boolean', short: 'a' } },
  async run (args, io) {
    const role = args.values.as as string | undefined
    if (role === undefined) throw new UsageError('encrypt needs --as ROLE')
    const policy = await new NetworkDir(dirFrom(args, io)).readPolicy()
    io.stdout(await encryptForRole(policy, role, await io.readStdin(), { armor: args.values.armor === true }))
  }
}
