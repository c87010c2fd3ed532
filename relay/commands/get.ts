import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const get: Command = {
  name: 'get',
  summary: 'read the context at an address, verified and decrypted with the role keys you hold',
  usage: 'slurp get ADDRESS [--role ROLE] [--meta] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Prints the context item as JSON. --role reads as that role only. --meta prints',
    '{"item","meta","conflicts"}: the version, author, role, replicas, and any concurrent',
    'versions. Exits 3 when nothing is stored there, 4 when no role you hold can read it.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, role: { type: 'string', short: 'r' }, meta: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('get needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const role = args.values.role as string | undefined
    const result = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.get(address, role === undefined ? {} : { as: role }))
    printJson(io, args.values.meta === true ? result : result.item)
  }
}
