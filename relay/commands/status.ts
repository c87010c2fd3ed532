import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { UsageError } from '../../src/errors.ts'

export const status: Command = {
  name: 'status',
  summary: 'show the mesh as this peer sees it, or where an address is stored',
  usage: 'slurp status [ADDRESS] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Without ADDRESS: peer id, connected relays, DHT mode, policy version.',
    'With ADDRESS: its replication status: health (healthy, degraded, critical), replicas',
    'against the target, which relays hold it, the winning version and any conflicts.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS },
  allowPositionals: true,
  async run (args, io) {
    const [address, ...extra] = args.positionals
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const dir = new NetworkDir(dirFrom(args, io))
    const policy = await dir.readPolicy()
    await withPeer(dir, bootstrapFrom(args, io), async peer => {
      const self = { ...peer.status(), policyVersion: policy.version }
      if (address === undefined) {
        printJson(io, self)
        return
      }
      printJson(io, { ...self, record: await peer.replicationStatus(address) })
    })
  }
}
