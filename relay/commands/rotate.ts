import { UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { changeKeys } from '../key-change.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS } from '../options.ts'

export const rotate: Command = {
  name: 'rotate',
  summary: 'rotate role keys: new identities, new reader-key epochs, key bundles for members, a new policy spread to the relays',
  usage: 'slurp rotate --role ROLE [--role ROLE2]... [--bootstrap MA]... [--dir .slurp]',
  details: [
    'Needs the root key. Each role gets a new identity (first in keys/ROLE.age; older',
    'ones stay, so everything written before still opens). Every reader set that',
    'includes the role gets a new reader key, sealed with the earlier ones to the',
    'current role keys: the old role key opens nothing written after this.',
    'Members who read with the role get a key bundle in the policy, encrypted to',
    'their member key; their peers pick it up by themselves. Records are not touched.',
    'The new policy is handed to the relays (--bootstrap, else those running from',
    '--dir), which pass it on to every node they meet.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, role: { type: 'string', short: 'r', multiple: true } },
  async run (args, io) {
    const roles = ((args.values.role as string[] | undefined) ?? []).flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '')
    if (roles.length === 0) throw new UsageError('--role is required: the role whose key to rotate')
    const dir = new NetworkDir(dirFrom(args, io))
    printJson(io, await changeKeys(dir, { roles: [...new Set(roles)] }, bootstrapFrom(args, io), io))
  }
}
