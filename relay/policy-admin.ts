import { adminKeyOf } from '../src/keys/admin-key.ts'
import { nextPolicy } from '../src/keys/next-policy.ts'
import type { NextPolicyInput } from '../src/keys/next-policy.ts'
import type { SignedPolicy } from '../src/trust/policy.ts'
import { listMembers } from './member-registry.ts'
import type { NetworkDir } from './network-dir.ts'

/**
 * Signs the next policy version from the directory's one (root key needed),
 * with key bundles for the registered members. Does not write it: the caller
 * writes the key files first, then the policy.
 */
export async function reissuePolicy (dir: NetworkDir, edit: Pick<NextPolicyInput, 'roles' | 'rotated' | 'revoke' | 'generation'>): Promise<SignedPolicy> {
  return await nextPolicy({
    ...edit,
    policy: await dir.readPolicy(),
    root: await dir.readRootKey(),
    admin: await adminKeyOf(await dir.readRootSeed()),
    members: (await listMembers(dir)).map(member => ({ member: member.publicKey, reads: member.reads })),
    identitiesOf: async role => await dir.readRoleIdentities(role)
  })
}
