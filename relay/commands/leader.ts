import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { VOTER_HELP, VOTER_OPTIONS, votersClient } from '../voters-from-dir.ts'

export const leader: Command = {
  name: 'leader',
  summary: 'show the generation leader: term, voters and their state, queue depth by priority, in-flight and done counts',
  usage: 'slurp leader [--dir .slurp] [--voter MA]... [--bootstrap MA]... [--timeout SECONDS]',
  details: [
    'Prints the status of the leader (or, while there is none, of the voter that answered) as JSON.',
    VOTER_HELP
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, ...VOTER_OPTIONS, timeout: { type: 'string' } },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const timeoutS = positiveInt(args.values.timeout, '--timeout', 15)
    const status = await withPeer(dir, bootstrapFrom(args, io), async peer => {
      const client = await votersClient(dir, peer, args, io)
      return await client.status({ signal: AbortSignal.timeout(timeoutS * 1000) })
    })
    printJson(io, status)
  }
}
