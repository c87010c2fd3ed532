import { generateRoleKey } from '../../src/crypto/generate.ts'
import { keyFingerprint } from '../../src/crypto/fingerprint.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { UsageError } from '../../src/errors.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { DEFAULT_LEADER_ROLE } from '../../src/trust/policy-generation.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { memberEntryOf, registerMember } from '../member-registry.ts'
import { adminKeyOf } from '../../src/keys/admin-key.ts'
import { nextReaderKeys } from '../../src/keys/reader-keys.ts'

const DAY_MS = 86_400_000

export const init: Command = {
  name: 'init',
  summary: 'create a network: root key, default policy, a key per role, your membership',
  usage: 'slurp init [--dir .slurp] [--days 365]',
  details: [
    'Creates the network directory. You become its admin: you hold the root key,',
    'every role key, and a membership certificate for every role, valid --days days.',
    'Your member key is the network\'s one generation voter ("slurp voters" changes that).',
    'Refuses to touch a directory that already holds a network.'
  ].join('\n'),
  options: { ...DIR_OPTION, days: { type: 'string' } },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const days = Number(args.values.days ?? 365)
    if (!Number.isInteger(days) || days < 1) throw new UsageError('--days must be a whole number of days ≥ 1')
    await dir.create()

    const root = await generateSigningKey()
    const created = new Date().toISOString()
    const roles = []
    for (const role of DEFAULT_ROLES) {
      const pair = await generateRoleKey()
      await dir.writeRoleIdentities(role.name, [{ ...pair, created }])
      roles.push({ ...role, recipient: pair.recipient })
    }
    // Every reader set gets its key (epoch 1): a write costs one key agreement however many roles read it.
    const table = Object.fromEntries(roles.map(role => [role.name, role]))
    const member = await generateSigningKey()
    // The new network's own member is its one voter: "slurp coordinator" from this directory leads (see "slurp voters").
    const generation = { leaderRole: DEFAULT_LEADER_ROLE, voters: [toBase64url(member.key.publicKey)] }
    const signed = await signPolicy(root.key, { roles, generation, readerKeys: await nextReaderKeys({ roles: table, admin: await adminKeyOf(root.seed) }) })
    const now = Date.now()
    const certificate = await issueCertificate(root.key, {
      member: member.key.publicKey,
      roles: roles.map(role => role.name),
      notBefore: now - 60_000,
      notAfter: now + days * DAY_MS
    })

    await dir.writeSecretKey('root.key', root.seed)
    await dir.writeSecretKey('member.key', member.seed)
    await dir.writeMember(certificate)
    await registerMember(dir, memberEntryOf(certificate, certificate.roles, 'admin'))
    await dir.writePolicy(signed)
    // Written last: its presence is what marks the directory as a complete network.
    await dir.writeNetwork(root.key.publicKey)

    printJson(io, {
      dir: dir.path,
      network: toBase64url(root.key.publicKey),
      policyVersion: signed.policy.version,
      member: toBase64url(member.key.publicKey),
      roles: roles.map(role => ({ name: role.name, authority: role.authority, fingerprint: keyFingerprint(role.recipient), keyFile: dir.keyFile(role.name) }))
    })
  }
}
