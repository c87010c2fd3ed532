import { mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { toBase64url } from '../src/encoding/base64url.ts'
import { NotFoundError, UsageError } from '../src/errors.ts'
import type { MembershipCertificate } from '../src/trust/certificate.ts'
import { readText, writeFileAtomic } from './key-files.ts'
import type { NetworkDir } from './network-dir.ts'

/**
 * The admin's record of the members it certified (members/<key>.json in its
 * network directory): who holds which roles, what it reads with, until when.
 * Rotation uses it to know whom to send key bundles, revocation which roles a
 * member held. Public information: certificates travel in every record.
 */
export interface MemberEntry {
  readonly publicKey: string
  readonly label?: string
  /** Roles it may write as (its certificate). */
  readonly roles: readonly string[]
  /** Roles whose identities it was given (it reads with them). */
  readonly reads: readonly string[]
  readonly notAfter: string
  readonly issuedAt: string
}

export function memberEntryOf (certificate: MembershipCertificate, reads: readonly string[], label?: string): MemberEntry {
  return {
    publicKey: toBase64url(certificate.member),
    ...(label === undefined ? {} : { label }),
    roles: [...certificate.roles],
    reads: [...new Set(reads)].sort(),
    notAfter: new Date(certificate.notAfter).toISOString(),
    issuedAt: new Date().toISOString()
  }
}

export async function registerMember (dir: NetworkDir, entry: MemberEntry): Promise<void> {
  await mkdir(dir.file('members'), { recursive: true, mode: 0o700 })
  await writeFileAtomic(dir.file('members', `${entry.publicKey}.json`), `${JSON.stringify(entry, null, 2)}\n`)
}

export async function listMembers (dir: NetworkDir): Promise<MemberEntry[]> {
  let names: string[]
  try {
    names = (await readdir(dir.file('members'))).filter(name => name.endsWith('.json'))
  } catch {
    return []
  }
  const entries: MemberEntry[] = []
  for (const name of names.sort()) {
    try {
      entries.push(JSON.parse(await readText(join(dir.file('members'), name), 'member')) as MemberEntry)
    } catch {
      // A damaged entry is skipped, not fatal: the others still get their bundles.
    }
  }
  return entries
}

/** A member by its public key, a unique prefix of it, or its label. */
export async function findMember (dir: NetworkDir, wanted: string): Promise<MemberEntry> {
  const members = await listMembers(dir)
  const matches = members.filter(member => member.publicKey === wanted || member.label === wanted || (wanted.length >= 6 && member.publicKey.startsWith(wanted)))
  if (matches.length === 1) return matches[0] as MemberEntry
  if (matches.length === 0) throw new NotFoundError(`no member "${wanted}" in ${dir.file('members')} (see "slurp members")`)
  throw new UsageError(`"${wanted}" matches ${matches.length} members; give more of the key`)
}
