import { UsageError } from '../../src/errors.ts'
import { resolveAddress } from '../../src/address/resolve.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const ls: Command = {
  name: 'ls',
  summary: 'list the addresses of a project (under a path) that your roles can read',
  usage: 'slurp ls ucxl://PROJECT[/PATH] [--role ROLE] [--json] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Reads the project\'s directory: encrypted records beside the context, one per writer role',
    'and shard, that each write adds its address to (relays never see the addresses). Prints one',
    'line per address, "ADDRESS<TAB>TYPE<TAB>ROLES", sorted; --json prints {"project","entries",',
    '"unreachable","skipped"}. --role lists only what that role can read. Says on stderr when',
    'some directory records could not be read, so the list may be incomplete.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, role: { type: 'string', short: 'r' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [where, ...extra] = args.positionals
    if (where === undefined) throw new UsageError('ls needs a project: ucxl://PROJECT or ucxl://PROJECT/PATH')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const parsed = resolveAddress(where.startsWith('ucxl://') ? where : `ucxl://${where}`)
    const role = args.values.role as string | undefined
    const listing = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.list(parsed.project, { prefix: parsed.segments.join('/'), ...(role === undefined ? {} : { as: role }) }))
    if (args.values.json === true) printJson(io, listing)
    else for (const entry of listing.entries) io.stdout(`${entry.address}\t${entry.type}\t${entry.roles.join(',')}\n`)
    if (listing.unreachable > 0) io.stderr(`slurp ls: ${listing.unreachable} directory records could not be read from the relays; the list may be incomplete\n`)
    if (listing.skipped > 0) io.stderr(`slurp ls: ${listing.skipped} directory records were damaged and skipped\n`)
  }
}
