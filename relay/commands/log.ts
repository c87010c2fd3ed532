import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const log: Command = {
  name: 'log',
  summary: 'the versions of the context at an address, newest first',
  usage: 'slurp log ADDRESS [--json] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Lists the versions the relays hold now, then the earlier ones they kept when newer ones',
    'replaced them (the last 16 per relay). One line per version: "TIME<TAB>ROLE<TAB>SUMMARY", the',
    'current ones marked *; a version none of your roles can read shows "(not readable)". --json',
    'prints [{"item","meta","current"}].'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, json: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('log needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const history = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io), async peer => await peer.history(address))
    if (args.values.json === true) {
      printJson(io, history)
      return
    }
    for (const entry of history) {
      io.stdout(`${entry.current ? '*' : ' '} ${new Date(entry.meta.updated).toISOString()}\t${entry.meta.role}\t${entry.item?.summary.replace(/\s+/g, ' ') ?? '(not readable)'}\n`)
    }
  }
}
