import { RoleKeyring } from '../crypto/keyring.ts'
import { generateRoleKey } from '../crypto/generate.ts'
import { readersOf } from '../roles/role.ts'
import type { PolicyRole } from '../trust/policy.ts'
import { setName } from '../trust/policy-keys.ts'
import type { ReaderKey } from '../trust/policy-keys.ts'
import { openSealedIdentities, sealIdentities } from './sealed-identities.ts'

export interface NextReaderKeysInput {
  /** The roles of the policy being signed, with their (possibly new) recipients. */
  readonly roles: Readonly<Record<string, PolicyRole>>
  /** The reader keys of the policy it replaces (none for a new network or one from before reader keys). */
  readonly previous?: readonly ReaderKey[]
  /** The admin key (adminKeyOf the root seed): every seal is also to it, so the next rotation can open them. */
  readonly admin: { readonly identity: string, readonly recipient: string }
  /** Roles whose keys changed (rotated, or held by a revoked member): their reader sets get a new epoch. */
  readonly rotated?: ReadonlySet<string>
}

/**
 * The reader keys for a new policy version. A reader set none of whose roles
 * changed keeps its key. A set with a rotated role gets a new identity (a new
 * epoch) sealed together with every earlier one, to the roles' current
 * recipients only: new holders read everything, a rotated-out key opens
 * nothing written after. Keys of sets that no longer exist stay (re-sealed
 * when a role of theirs changed), so what was written to them stays readable.
 */
export async function nextReaderKeys (input: NextReaderKeysInput): Promise<ReaderKey[]> {
  const rotated = input.rotated ?? new Set<string>()
  const previous = new Map((input.previous ?? []).map(entry => [setName(entry.roles), entry]))
  const adminRing = await RoleKeyring.from([['admin', input.admin.identity]])
  const recipientsOf = (roles: readonly string[]): string[] =>
    [...roles.flatMap(role => Object.hasOwn(input.roles, role) ? [(input.roles[role] as PolicyRole).recipient] : []), input.admin.recipient]
  const touched = (entry: ReaderKey): boolean => entry.roles.some(role => rotated.has(role) || !Object.hasOwn(input.roles, role))
  const earlier = async (entry: ReaderKey | undefined): Promise<string[]> =>
    entry === undefined ? [] : (await openSealedIdentities(entry.sealed, adminRing)).identities

  const current = new Set(Object.keys(input.roles).map(role => setName(readersOf(input.roles, role))))
  const next: ReaderKey[] = []
  for (const name of [...current].sort()) {
    const roles = name.split(',')
    const before = previous.get(name)
    if (before !== undefined && !touched(before)) {
      next.push(before)
      continue
    }
    const fresh = await generateRoleKey()
    const epoch = (before?.epoch ?? 0) + 1
    const older = await earlier(before)
    next.push({
      roles,
      epoch,
      recipient: fresh.recipient,
      sealed: await sealIdentities([{ comment: `epoch ${epoch} (current): ${fresh.recipient}`, identity: fresh.identity }, ...older.map(identity => ({ identity }))], recipientsOf(roles), `slurp reader key for roles ${roles.join(', ')}`)
    })
  }
  for (const [name, before] of previous) {
    if (current.has(name)) continue
    if (!touched(before)) {
      next.push(before)
      continue
    }
    const identities = await earlier(before)
    next.push({ ...before, sealed: await sealIdentities(identities.map(identity => ({ identity })), recipientsOf(before.roles), `slurp reader key for roles ${before.roles.join(', ')} (no longer written to)`) })
  }
  return next
}
