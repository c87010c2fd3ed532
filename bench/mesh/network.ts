import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { generateRoleKey } from '../../src/crypto/generate.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import type { MembershipCertificate } from '../../src/trust/certificate.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'

export interface Member {
  readonly signer: SigningKey
  readonly certificate: MembershipCertificate
}

/**
 * A network as test/helpers/network.ts builds it, keeping every role's
 * identity so peers can read; copied so the bench does not move with the tests.
 */
export interface MeshNetwork {
  readonly rootPublicKey: Uint8Array
  readonly policy: Policy
  keyring (roles: readonly string[]): Promise<RoleKeyring>
  member (roles: readonly string[]): Promise<Member>
  /** Certifies a relay's peer id, as an operator holding the root key does. */
  certifyRelay: ReturnType<typeof certifyWithRoot>
}

export async function createMeshNetwork (): Promise<MeshNetwork> {
  const { key: root } = await generateSigningKey()
  const identities = new Map<string, string>()
  const roles = []
  for (const definition of DEFAULT_ROLES) {
    const pair = await generateRoleKey()
    identities.set(definition.name, pair.identity)
    roles.push({ ...definition, recipient: pair.recipient })
  }
  const { policy } = await signPolicy(root, { roles })
  return {
    rootPublicKey: root.publicKey,
    policy,
    certifyRelay: certifyWithRoot(root),
    keyring: async names => await RoleKeyring.from(names.map(name => [name, identities.get(name) as string] as const)),
    member: async names => {
      const { key: signer } = await generateSigningKey()
      const certificate = await issueCertificate(root, {
        member: signer.publicKey,
        roles: [...names],
        notBefore: Date.now() - 60_000,
        notAfter: Date.now() + 86_400_000
      })
      return { signer, certificate }
    }
  }
}
