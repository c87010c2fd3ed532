import { NotFoundError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { changeKeys } from '../key-change.ts'
import { findMember } from '../member-registry.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS } from '../options.ts'

export const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a member: relays and peers refuse its writes from now on, and every role it held is rotated',
  usage: 'slurp revoke MEMBER [--reason TEXT] [--bootstrap MA]... [--dir .slurp]',
  details: [
    'Needs the root key. MEMBER is a member key (or a unique prefix of it, or the',
    'label it was invited with): see "slurp members". The next policy version lists',
    'it as revoked: every relay refuses its writes on every path, and peers refuse',
    'records it signed from now on. Every role it wrote or read with is rotated (as',
    '"slurp rotate"), so nothing written after this opens with any key it had.',
    'What it already read or copied stays with it: no system can undo that.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, reason: { type: 'string' } },
  allowPositionals: true,
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const wanted = args.positionals[0]
    if (wanted === undefined) throw new NotFoundError('name the member to revoke: slurp revoke MEMBER (see "slurp members")')
    const member = await findMember(dir, wanted)
    const policy = await dir.readPolicy()
    if (policy.revoked?.some(entry => entry.member === member.publicKey) === true) {
      printJson(io, { member: member.publicKey, alreadyRevoked: true, policyVersion: policy.version })
      return
    }
    const reason = args.values.reason as string | undefined
    const roles = [...new Set([...member.roles, ...member.reads])].filter(role => Object.hasOwn(policy.roles, role)).sort()
    const result = await changeKeys(dir, { roles, revoke: { member: member.publicKey, at: Date.now(), ...(reason === undefined ? {} : { reason }) } }, bootstrapFrom(args, io), io)
    printJson(io, { member: member.publicKey, ...(member.label === undefined ? {} : { label: member.label }), revoked: true, ...result })
  }
}
