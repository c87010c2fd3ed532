import { keyFingerprint } from '../../src/crypto/fingerprint.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { UsageError } from '../../src/errors.ts'
import { isAuthorityLevel } from '../../src/roles/authority.ts'
import { ROLE_NAME } from '../../src/roles/role.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import type { PolicyRole } from '../../src/trust/policy.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { changeKeys, publish } from '../key-change.ts'
import type { KeyChangeResult } from '../key-change.ts'
import { reissuePolicy } from '../policy-admin.ts'
import { memberEntryOf, registerMember } from '../member-registry.ts'
import { bootstrapFrom, MESH_OPTIONS } from '../options.ts'

export const keygen: Command = {
  name: 'keygen',
  summary: 'make a role key: rotate an existing role, add a new one, or print a bare age identity',
  usage: 'slurp keygen [--role ROLE [--authority LEVEL] [--can-decrypt R1,R2]] [--dir .slurp]',
  details: [
    'Without --role: prints a new age identity (like age-keygen) and touches nothing.',
    'With --role of an existing role: rotates its key. The new identity is put first in',
    'keys/ROLE.age and older ones stay below it, so everything written before still',
    'decrypts; the policy is re-signed with the new recipient and a higher version.',
    'With --role of a new role: adds it (needs --authority; --can-decrypt defaults to',
    'the role itself) and extends your membership to it. Needs the root key.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, role: { type: 'string', short: 'r' }, authority: { type: 'string' }, 'can-decrypt': { type: 'string' } },
  async run (args, io) {
    const pair = await generateRoleKey()
    const created = new Date().toISOString()
    const roleName = args.values.role as string | undefined
    if (roleName === undefined) {
      io.stdout(`# created: ${created}\n# public key: ${pair.recipient}\n${pair.identity}\n`)
      return
    }
    if (!ROLE_NAME.test(roleName)) throw new UsageError(`role name "${roleName}" must match ${String(ROLE_NAME)}`)
    const dir = new NetworkDir(dirFrom(args, io))
    const policy = await dir.readPolicy()
    const root = await dir.readRootKey()
    const existing = policy.roles[roleName]
    const bootstrap = bootstrapFrom(args, io)
    if (existing !== undefined) {
      if (args.values.authority !== undefined || args.values['can-decrypt'] !== undefined) {
        throw new UsageError(`role "${roleName}" exists; --authority and --can-decrypt only apply to new roles`)
      }
      // The same as "slurp rotate --role": new reader-key epochs and key bundles too.
      const rotation = await changeKeys(dir, { roles: [roleName] }, bootstrap, io)
      const rotated = rotation.rotated[0] as KeyChangeResult['rotated'][number]
      printJson(io, { role: roleName, action: 'rotated', recipient: (await dir.readPolicy()).roles[roleName]?.recipient, fingerprint: rotated.fingerprint, keyFile: dir.keyFile(roleName), identitiesHeld: rotated.identitiesHeld, policyVersion: rotation.policyVersion, published: rotation.published })
      return
    }
    const authority = args.values.authority
    if (!isAuthorityLevel(authority)) throw new UsageError('a new role needs --authority master|decision|coordination|suggestion|read_only')
    const canDecrypt = ((args.values['can-decrypt'] as string | undefined) ?? roleName).split(',').map(r => r.trim()).filter(r => r !== '')
    const role: PolicyRole = { name: roleName, authority, canDecrypt, recipient: pair.recipient }
    // Key file first: a policy naming a recipient whose identity was lost would
    // make new content unreadable for that role.
    const identitiesHeld = await dir.prependRoleIdentity(roleName, { ...pair, created })
    const signed = await reissuePolicy(dir, { roles: [...Object.values(policy.roles), role] })
    await dir.writePolicy(signed)

    const { certificate } = await dir.readMember()
    if (!certificate.roles.includes(roleName)) {
      const extended = await issueCertificate(root, {
        member: certificate.member,
        roles: [...certificate.roles, roleName],
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter
      })
      await dir.writeMember(extended)
      await registerMember(dir, memberEntryOf(extended, extended.roles, 'admin'))
    }
    printJson(io, {
      role: roleName,
      action: 'added',
      recipient: pair.recipient,
      fingerprint: keyFingerprint(pair.recipient),
      keyFile: dir.keyFile(roleName),
      identitiesHeld,
      policyVersion: signed.policy.version,
      // Running relays take the new version now: writes as the new role work at once.
      published: await publish(dir, bootstrap, signed, io)
    })
  }
}
