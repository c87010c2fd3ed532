import { generateRoleKey } from '../../src/crypto/generate.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import type { Policy, PolicyDraft, SignedPolicy } from '../../src/trust/policy.ts'

/** A whole test network: root key, signed default policy and every role's identity. */
export interface TestNetwork {
  root: SigningKey
  signed: SignedPolicy
  policy: Policy
  identities: Record<string, string>
  keyring (...roles: string[]): Promise<RoleKeyring>
}

export async function createTestNetwork (overrides: Partial<PolicyDraft> = {}): Promise<TestNetwork> {
  const { key: root } = await generateSigningKey()
  const identities: Record<string, string> = {}
  const roles = []
  for (const role of DEFAULT_ROLES) {
    const pair = await generateRoleKey()
    identities[role.name] = pair.identity
    roles.push({ ...role, recipient: pair.recipient })
  }
  const signed = await signPolicy(root, { roles, ...overrides })
  return {
    root,
    signed,
    policy: signed.policy,
    identities,
    keyring: async (...names) => await RoleKeyring.from(names.map(name => [name, identities[name] as string] as const))
  }
}
