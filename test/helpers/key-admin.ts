import { generateRoleKey } from '../../src/crypto/generate.ts'
import { nextPolicy } from '../../src/keys/next-policy.ts'
import type { BundleMember } from '../../src/keys/member-bundles.ts'
import type { Policy, PolicyRole, SignedPolicy } from '../../src/trust/policy.ts'
import type { TestNetwork } from './network.ts'

/**
 * What `slurp rotate` and `slurp revoke` do to a test network, in memory:
 * every role's identities (newest first), the members it certified, and the
 * policy versions it signs (through the same nextPolicy the CLI uses).
 */
export class TestKeyAdmin {
  policy: Policy
  signed: SignedPolicy
  private readonly identities = new Map<string, string[]>()
  private readonly members: BundleMember[] = []

  constructor (private readonly network: TestNetwork) {
    this.policy = network.policy
    this.signed = network.signed
    for (const [role, identity] of Object.entries(network.identities)) this.identities.set(role, [identity])
  }

  /** The newest identity of `role`, and every older one. */
  current (role: string): string {
    return (this.identities.get(role) as string[])[0] as string
  }

  all (role: string): string[] {
    return [...(this.identities.get(role) ?? [])]
  }

  register (member: string, reads: readonly string[]): void {
    this.members.push({ member, reads })
  }

  async rotate (roles: readonly string[], revoke?: { member: string, at?: number }): Promise<SignedPolicy> {
    const table: PolicyRole[] = []
    for (const role of Object.values(this.policy.roles)) {
      if (!roles.includes(role.name)) {
        table.push(role)
        continue
      }
      const pair = await generateRoleKey()
      this.identities.set(role.name, [pair.identity, ...this.all(role.name)])
      table.push({ ...role, recipient: pair.recipient })
    }
    this.signed = await nextPolicy({
      policy: this.policy,
      root: this.network.root,
      admin: this.network.admin,
      roles: table,
      rotated: new Set(roles),
      ...(revoke === undefined ? {} : { revoke: { member: revoke.member, at: revoke.at ?? Date.now() } }),
      members: this.members,
      identitiesOf: async role => this.all(role)
    })
    this.policy = this.signed.policy
    return this.signed
  }
}
