import { UsageError } from '../../src/errors.ts'
import { DEFAULT_DEPTH, MAX_DEPTH } from '../../src/resolve/index.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const resolve: Command = {
  name: 'resolve',
  summary: 'read an address merged with its ancestors\' context, each field with the address it came from',
  usage: 'slurp resolve ADDRESS [--depth N] [--role ROLE] [--dir .slurp] [--bootstrap MA]...',
  details: [
    `Reads ADDRESS and up to --depth ancestors (default ${DEFAULT_DEPTH}, at most ${MAX_DEPTH}) in parallel:`,
    'ucxl://p/src/net/x.ts has ucxl://p/src/net, ucxl://p/src and ucxl://p/. Tags, technologies and',
    'insights are unions; summary, purpose and each metadata entry come from the nearest level',
    'that has them; body only from ADDRESS itself. Prints {"address","resolved","levels"}: each',
    'resolved value is {"value","from"}, and levels says what each address held (found, missing,',
    'unreadable by your roles, unreachable). Exits 3 when no level holds anything you can read.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, depth: { type: 'string' }, role: { type: 'string', short: 'r' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('resolve needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const depth = depthFrom(args.values.depth as string | undefined)
    const role = args.values.role as string | undefined
    const resolution = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.resolve(address, { depth, ...(role === undefined ? {} : { as: role }) }))
    // The levels' items are already in "resolved"; their metadata says who wrote what.
    printJson(io, { ...resolution, levels: resolution.levels.map(({ item: _item, ...level }) => level) })
  }
}

function depthFrom (value: string | undefined): number {
  if (value === undefined) return DEFAULT_DEPTH
  const depth = Number(value)
  if (!/^\d+$/.test(value) || depth > MAX_DEPTH) throw new UsageError(`--depth takes a whole number from 0 to ${MAX_DEPTH}`)
  return depth
}
