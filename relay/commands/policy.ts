import { keyFingerprint } from '../../src/crypto/fingerprint.ts'
import { readableBy, readersOf, requireRole } from '../../src/roles/role.ts'
import { armor } from 'age-encryption'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { NotFoundError } from '../../src/errors.ts'
import { readerKeyFor } from '../../src/trust/policy-keys.ts'
import { memberQuotaOf } from '../../src/trust/policy.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { publish } from '../key-change.ts'
import { bootstrapFrom, MESH_OPTIONS } from '../options.ts'

export const policy: Command = {
  name: 'policy',
  summary: 'show the network policy (verified against the root key): roles, authority, readers',
  usage: 'slurp policy [--signed | --reader-key ROLE | --push [--bootstrap MA]...] [--dir .slurp]',
  details: [
    'Prints JSON: per role its authority, the content types it may write, who reads',
    'what it writes (readers), what it can read (reads), and its key fingerprint.',
    'With --signed, prints the signed policy document itself (policy.json).',
    'With --reader-key ROLE, prints (armored) the sealed reader key that what ROLE',
    'writes is encrypted to: `age -d -i keys/READER.age` of it is an identity file',
    'that opens those records with `age -d -i`.',
    'With --push, hands it to the relays (--bootstrap, else those running from --dir):',
    'they take it when it is newer, and pass it on to every node they meet.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, signed: { type: 'boolean' }, push: { type: 'boolean' }, 'reader-key': { type: 'string' } },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const verified = await dir.readPolicy()
    const writer = args.values['reader-key'] as string | undefined
    if (writer !== undefined) {
      const readerKey = readerKeyFor(verified, readersOf(verified.roles, requireRole(verified.roles, writer).name))
      if (readerKey === undefined) throw new NotFoundError(`policy version ${verified.version} has no reader key for what ${writer} writes (a policy from before reader keys: records are encrypted to each role)`)
      io.stdout(armor.encode(fromBase64url(readerKey.sealed)))
      return
    }
    if (args.values.push === true) {
      const signed = await dir.readSignedPolicy()
      printJson(io, { policyVersion: verified.version, published: await publish(dir, bootstrapFrom(args, io), signed, io) })
      return
    }
    if (args.values.signed === true) {
      printJson(io, await dir.readSignedPolicy())
      return
    }
    const held = new Set(await dir.heldRoles())
    printJson(io, {
      network: verified.network,
      version: verified.version,
      issuedAt: new Date(verified.issuedAt).toISOString(),
      maxRecordBytes: verified.limits.maxRecordBytes,
      // What each relay lets one member write per minute (defaults when the policy sets none).
      memberQuota: memberQuotaOf(verified),
      // Reader keys: what each reader set's records are encrypted to, and its epoch (it rises with every rotation).
      readerKeys: (verified.readerKeys ?? []).map(entry => ({ roles: entry.roles, epoch: entry.epoch, fingerprint: keyFingerprint(entry.recipient) })),
      revoked: (verified.revoked ?? []).map(entry => ({ member: entry.member, at: new Date(entry.at).toISOString(), ...(entry.reason === undefined ? {} : { reason: entry.reason }) })),
      roles: Object.values(verified.roles).map(role => ({
        name: role.name,
        authority: role.authority,
        writes: verified.writeRules[role.authority],
        canDecrypt: role.canDecrypt,
        readers: readersOf(verified.roles, role.name),
        reads: readableBy(verified.roles, role.name),
        fingerprint: keyFingerprint(role.recipient),
        held: held.has(role.name)
      }))
    })
  }
}
