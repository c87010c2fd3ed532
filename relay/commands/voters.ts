import { voterPeerId } from '../../src/coordinator/voter-identity.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { UsageError } from '../../src/errors.ts'
import { DEFAULT_LEADER_ROLE, generatedForRoles } from '../../src/trust/policy-generation.ts'
import type { PolicyGeneration } from '../../src/trust/policy-generation.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { publish } from '../key-change.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS } from '../options.ts'
import { reissuePolicy } from '../policy-admin.ts'

export const voters: Command = {
  name: 'voters',
  summary: 'show or set who may lead context generation: the leader role and the voters (root key needed to set)',
  usage: 'slurp voters [set (--self | --member KEY)... [--leader-role ROLE] [--for ROLE]...] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Without "set", prints the policy\'s generation settings: the leader role, the voters',
    '(member keys and the libp2p peer ids their coordinators run as) and the roles the',
    'leader may generate for.',
    '"set" signs a new policy version naming 1, 3 or 5 voters (--member KEY, repeated: member',
    'public keys as "slurp members" prints them; --self: this directory\'s member) and hands it to the',
    'relays. Each voter runs "slurp coordinator" from its own directory. The leader role',
    `(default ${DEFAULT_LEADER_ROLE}) must be one each voter's certificate grants.`,
    '--for ROLE (repeatable) limits the roles the leader may generate for (default: every',
    'role whose authority is at most the leader role\'s).'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, self: { type: 'boolean' }, member: { type: 'string', multiple: true }, 'leader-role': { type: 'string' }, for: { type: 'string', multiple: true } },
  allowPositionals: true,
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    // Keys come as --member: a base64url key may start with "-", which a positional cannot.
    const [verb, ...extra] = args.positionals
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (member keys go after --member)`)
    if (verb === undefined) {
      printJson(io, describe(await dir.readPolicy()))
      return
    }
    if (verb !== 'set') throw new UsageError(`unknown voters subcommand "${verb}" (use "set")`)
    const members = [...(args.values.member as string[] | undefined) ?? []]
    if (args.values.self === true) members.push(toBase64url((await dir.readMember()).signer.publicKey))
    if (members.length === 0) throw new UsageError('voters set needs --member KEY (repeated), or --self')
    for (const key of members) {
      if (!isKey(key)) throw new UsageError(`"${key}" is not a member public key (base64url, 32 bytes): see "slurp members"`)
    }
    const before = await dir.readPolicy()
    const forRoles = args.values.for as string[] | undefined
    const generation: PolicyGeneration = {
      leaderRole: (args.values['leader-role'] as string | undefined) ?? before.generation?.leaderRole ?? DEFAULT_LEADER_ROLE,
      voters: [...new Set(members)],
      ...(forRoles === undefined ? {} : { forRoles })
    }
    const signed = await reissuePolicy(dir, { generation })
    await dir.writePolicy(signed)
    printJson(io, { ...describe(signed.policy), published: await publish(dir, bootstrapFrom(args, io), signed, io) })
  }
}

function describe (policy: Policy): Record<string, unknown> {
  const generation = policy.generation
  if (generation === undefined) return { policyVersion: policy.version, generation: null }
  return {
    policyVersion: policy.version,
    leaderRole: generation.leaderRole,
    voters: generation.voters.map(member => ({ member, peerId: voterPeerId(fromBase64url(member)).toString() })),
    forRoles: generatedForRoles(generation, policy.roles)
  }
}

function isKey (text: string): boolean {
  try {
    return fromBase64url(text).length === 32
  } catch {
    return false
  }
}
