import { keyFingerprint } from '../../src/crypto/fingerprint.ts'
import { readableBy, readersOf } from '../../src/roles/role.ts'
import { memberQuotaOf } from '../../src/trust/policy.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'

export const policy: Command = {
  name: 'policy',
  summary: 'show the network policy (verified against the root key): roles, authority, readers',
  usage: 'slurp policy [--signed] [--dir .slurp]',
  details: [
    'Prints JSON: per role its authority, the content types it may write, who reads',
    'what it writes (readers), what it can read (reads), and its key fingerprint.',
    'With --signed, prints the signed policy document itself (policy.json).'
  ].join('\n'),
  options: { ...DIR_OPTION, signed: { type: 'boolean' } },
  async run (args, io) {
    const dir = new NetworkDir(dirFrom(args, io))
    const verified = await dir.readPolicy()
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
