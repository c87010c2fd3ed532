import { signPolicy } from '../trust/policy.ts'
import type { Policy, PolicyRole, SignedPolicy } from '../trust/policy.ts'
import type { Revocation } from '../trust/policy-keys.ts'
import type { PolicyGeneration } from '../trust/policy-generation.ts'
import type { SigningKey } from '../trust/signing-key.ts'
import { nextMemberBundles } from './member-bundles.ts'
import type { BundleMember } from './member-bundles.ts'
import { nextReaderKeys } from './reader-keys.ts'

export interface NextPolicyInput {
  readonly policy: Policy
  readonly root: SigningKey
  /** adminKeyOf the root seed. */
  readonly admin: { readonly identity: string, readonly recipient: string }
  /** The new role table (default: unchanged). */
  readonly roles?: readonly PolicyRole[]
  /** Roles whose keys changed: their reader sets get a new epoch, their readers new bundles. */
  readonly rotated?: ReadonlySet<string>
  readonly revoke?: Revocation
  /** Who generates context (default: unchanged; null: nobody). */
  readonly generation?: PolicyGeneration | null
  /** The members the admin certified, and what they read with. */
  readonly members: readonly BundleMember[]
  /** Every identity of a role, newest first (the admin's key files). */
  readonly identitiesOf: (role: string) => Promise<readonly string[]>
}

/**
 * The next policy version: the edit, reader keys brought up to it, key
 * bundles for every member who reads with a changed role, none for revoked
 * members; everything else as it was.
 */
export async function nextPolicy (input: NextPolicyInput): Promise<SignedPolicy> {
  const { policy } = input
  const roles = input.roles ?? Object.values(policy.roles)
  const table = Object.fromEntries(roles.map(role => [role.name, role]))
  const rotated = input.rotated ?? new Set<string>()
  const revoked = [...(policy.revoked ?? []), ...(input.revoke === undefined ? [] : [input.revoke])]
  const dropped = new Set(revoked.map(entry => entry.member))
  const memberKeys = await nextMemberBundles({
    members: input.members.map(member => ({ member: member.member, reads: member.reads.filter(role => Object.hasOwn(table, role)) })),
    identitiesOf: input.identitiesOf,
    ...(policy.memberKeys === undefined ? {} : { previous: policy.memberKeys }),
    changed: rotated,
    dropped
  })
  const generation = input.generation === undefined ? policy.generation : input.generation ?? undefined
  return await signPolicy(input.root, {
    roles,
    ...(generation === undefined ? {} : { generation }),
    version: policy.version + 1,
    writeRules: policy.writeRules,
    maxRecordBytes: policy.limits.maxRecordBytes,
    // Quotas the policy sets stay set (absent ones stay absent: the defaults apply).
    ...(policy.limits.writesPerMinute === undefined ? {} : { writesPerMinute: policy.limits.writesPerMinute }),
    ...(policy.limits.bytesPerMinute === undefined ? {} : { bytesPerMinute: policy.limits.bytesPerMinute }),
    readerKeys: await nextReaderKeys({ roles: table, ...(policy.readerKeys === undefined ? {} : { previous: policy.readerKeys }), admin: input.admin, rotated }),
    ...(revoked.length === 0 ? {} : { revoked }),
    ...(Object.keys(memberKeys).length === 0 ? {} : { memberKeys })
  })
}
