import { UsageError } from '../../src/errors.ts'
import { DEFAULT_HOPS } from '../../src/decisions/graph.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const decisions: Command = {
  name: 'decisions',
  summary: 'the decisions that bear on an address: those affecting it or a folder above it, then those linked to them',
  usage: 'slurp decisions ADDRESS [--hops N] [--as-of ISO] [--include-superseded] [--dir .slurp] [--bootstrap MA]...',
  details: [
    `Follows supersedes, amends and relates links (either way) up to --hops (default ${DEFAULT_HOPS}) from the`,
    'decisions that affect ADDRESS or an ancestor. Prints a JSON array ordered by hop, newest first:',
    '{"address","summary","status","hop","affects","chain","decision","updated"}; "chain" lists the',
    'links followed. Superseded decisions are passed through but left out unless --include-superseded;',
    '--as-of answers with what was in force at that time. Only decisions your roles can read count.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, hops: { type: 'string' }, 'as-of': { type: 'string' }, 'include-superseded': { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('decisions needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const hopsValue = args.values.hops as string | undefined
    if (hopsValue !== undefined && !/^\d{1,2}$/.test(hopsValue)) throw new UsageError('--hops takes a whole number from 0 to 99')
    const asOf = args.values['as-of'] as string | undefined
    if (asOf !== undefined && Number.isNaN(Date.parse(asOf))) throw new UsageError('--as-of takes an ISO 8601 time, e.g. 2026-06-01T00:00:00Z')
    const hits = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io), async peer => await peer.decisionsFor(address, {
      ...(hopsValue === undefined ? {} : { hops: Number(hopsValue) }),
      ...(asOf === undefined ? {} : { asOf }),
      includeSuperseded: args.values['include-superseded'] === true
    }))
    printJson(io, hits)
  }
}
