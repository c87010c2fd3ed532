import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { listMembers } from '../member-registry.ts'
import { NetworkDir } from '../network-dir.ts'

export const members: Command = {
  name: 'members',
  summary: 'list the members this admin certified: roles, what they read with, expiry, revocation',
  usage: 'slurp members [--dir .slurp]',
  details: 'Reads members/ in the network directory (written by init and invite) and the policy\'s revocations. Prints JSON.',
  options: { ...DIR_OPTION },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const policy = await dir.readPolicy()
    const revoked = new Map((policy.revoked ?? []).map(entry => [entry.member, entry]))
    const now = Date.now()
    printJson(io, {
      policyVersion: policy.version,
      members: (await listMembers(dir)).map(member => {
        const revocation = revoked.get(member.publicKey)
        return {
          ...member,
          state: revocation !== undefined ? 'revoked' : Date.parse(member.notAfter) < now ? 'expired' : 'active',
          ...(revocation === undefined ? {} : { revokedAt: new Date(revocation.at).toISOString(), ...(revocation.reason === undefined ? {} : { reason: revocation.reason }) }),
          keyBundle: policy.memberKeys?.[member.publicKey] !== undefined
        }
      })
    })
  }
}
