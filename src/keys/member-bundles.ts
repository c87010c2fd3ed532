import { RoleKeyring } from '../crypto/keyring.ts'
import { memberRecipient } from '../crypto/member-recipient.ts'
import { decryptWithKeyring } from '../crypto/role-crypto.ts'
import { fromBase64url } from '../encoding/base64url.ts'
import { utf8Decode } from '../encoding/bytes.ts'
import { InvalidKeyError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { sealIdentities } from './sealed-identities.ts'

/**
 * Key bundles: how a member receives new role identities without a new
 * invite. After a rotation the root publishes, in the policy, one age file per
 * member who reads with a changed role, to that member's own key (its Ed25519
 * member key as an X25519 recipient, src/crypto/member-recipient.ts): the
 * identities of every role it reads, newest first, older ones kept so records
 * written before stay readable.
 */
export interface BundleMember {
  /** Member public key, base64url. */
  readonly member: string
  /** The roles whose identities it holds (what it reads with). */
  readonly reads: readonly string[]
}

export interface NextBundlesInput {
  readonly members: readonly BundleMember[]
  /** Every identity of a role, newest first. */
  readonly identitiesOf: (role: string) => Promise<readonly string[]>
  readonly previous?: Readonly<Record<string, string>>
  /** Roles whose keys changed in this version. */
  readonly changed: ReadonlySet<string>
  /** Members whose bundles are dropped (revoked). */
  readonly dropped?: ReadonlySet<string>
}

export async function nextMemberBundles (input: NextBundlesInput): Promise<Record<string, string>> {
  const next: Record<string, string> = {}
  for (const [member, sealed] of Object.entries(input.previous ?? {})) {
    if (input.dropped?.has(member) !== true) next[member] = sealed
  }
  for (const { member, reads } of input.members) {
    if (input.dropped?.has(member) === true || !reads.some(role => input.changed.has(role))) continue
    const lines = []
    for (const role of [...reads].sort()) {
      for (const identity of await input.identitiesOf(role)) lines.push({ comment: `slurp role: ${role}`, identity })
    }
    next[member] = await sealIdentities(lines, [memberRecipient(fromBase64url(member))], `slurp key bundle for member ${member}`)
  }
  return next
}

/** The role identities in this member's bundle, opened with its member identity (memberIdentity of its seed). */
export async function openMemberBundle (sealed: string, memberIdentity: string): Promise<Array<{ role: string, identity: string }>> {
  const { plaintext } = await decryptWithKeyring(await RoleKeyring.from([['member', memberIdentity]]), fromBase64url(sealed))
  const found: Array<{ role: string, identity: string }> = []
  let role: string | undefined
  for (const raw of utf8Decode(plaintext).split('\n')) {
    const line = raw.trim()
    const label = /^# slurp role: (\S+)$/.exec(line)
    if (label !== null) role = label[1]
    if (line === '' || line.startsWith('#')) continue
    if (role === undefined || !ROLE_NAME.test(role) || !line.startsWith('AGE-SECRET-KEY-1')) throw new InvalidKeyError('a key bundle has an identity without a role label')
    found.push({ role, identity: line })
  }
  return found
}
