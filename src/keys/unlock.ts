import type { RoleKeyring } from '../crypto/keyring.ts'
import { AccessDeniedError, DecryptionError } from '../errors.ts'
import type { Policy } from '../trust/policy.ts'
import { openMemberBundle } from './member-bundles.ts'
import { openSealedIdentities } from './sealed-identities.ts'

export interface UnlockedKeys {
  /** Roles whose identities arrived in this member's key bundle. */
  readonly delivered: readonly string[]
  /** Those identities, newest first per role (to keep them where the member keeps its keys). */
  readonly deliveredKeys: ReadonlyArray<{ readonly role: string, readonly identity: string }>
  /** Reader keys (current epochs) this keyring can now open records with. */
  readonly readerKeys: number
}

/**
 * Brings a keyring up to a policy: first this member's key bundle (new role
 * identities after a rotation), then every reader key a held role can unseal.
 * Cheap when nothing changed: an unsealed reader key is recognised by its
 * recipient and not opened again.
 */
export async function unlockPolicyKeys (policy: Policy, keyring: RoleKeyring, member?: { readonly id: string, readonly identity: string }): Promise<UnlockedKeys> {
  const delivered = new Set<string>()
  const deliveredKeys: Array<{ role: string, identity: string }> = []
  const bundle = member === undefined ? undefined : policy.memberKeys?.[member.id]
  if (bundle !== undefined && member !== undefined) {
    for (const { role, identity } of await openMemberBundle(bundle, member.identity)) {
      await keyring.add(role, identity)
      delivered.add(role)
      deliveredKeys.push({ role, identity })
    }
  }
  let readerKeys = 0
  for (const entry of policy.readerKeys ?? []) {
    if (keyring.holds(entry.recipient)) {
      readerKeys++
      continue
    }
    try {
      const { identities } = await openSealedIdentities(entry.sealed, keyring)
      // Each held role of the set gets it: reading "as" one role (keyring.only) must still find it.
      for (const role of entry.roles.filter(name => keyring.has(name))) {
        for (const identity of identities) await keyring.addReaderKey(role, identity)
      }
      readerKeys++
    } catch (error) {
      // Not for any role held here, or damaged: records to it stay unreadable, nothing else breaks.
      if (!(error instanceof AccessDeniedError || error instanceof DecryptionError)) throw error
    }
  }
  return { delivered: [...delivered].sort(), deliveredKeys, readerKeys }
}
