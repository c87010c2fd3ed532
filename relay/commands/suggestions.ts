import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const suggestions: Command = {
  name: 'suggestions',
  summary: 'list the suggestions made about an address (they live beside its context, never on top of it)',
  usage: 'slurp suggestions ADDRESS [--role ROLE] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Prints a JSON array, newest first, of {"item","meta"} for every suggestion about ADDRESS that',
    'a role you hold (or --role) can read; one per author. "slurp put ADDRESS --type suggestion"',
    'writes one. An empty array when there are none, or none you can read.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, role: { type: 'string', short: 'r' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('suggestions needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const role = args.values.role as string | undefined
    const found = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.suggestions(address, role === undefined ? {} : { as: role }))
    printJson(io, found)
  }
}
