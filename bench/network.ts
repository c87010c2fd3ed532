import { generateRoleKey } from '../src/crypto/generate.ts'
import { adminKeyOf } from '../src/keys/admin-key.ts'
import { nextReaderKeys } from '../src/keys/reader-keys.ts'
import type { Author } from '../src/record/context-record.ts'
import { DEFAULT_ROLES } from '../src/roles/defaults.ts'
import { issueCertificate } from '../src/trust/certificate.ts'
import { signPolicy } from '../src/trust/policy.ts'
import type { Policy } from '../src/trust/policy.ts'
import { generateSigningKey } from '../src/trust/signing-key.ts'
import type { SigningKey } from '../src/trust/signing-key.ts'

/**
 * A network as test/helpers/network.ts builds it (root key, signed default
 * policy) with one member, kept here so the bench does not move with the tests.
 */
export interface BenchNetwork {
  readonly root: SigningKey
  /** With reader keys, as `slurp init` signs it: a record is encrypted to one reader key. */
  readonly policy: Policy
  /** The same roles without reader keys (a policy from before them): a record is encrypted to each reader role. */
  readonly perRolePolicy: Policy
  readonly author: Author
}

export async function createBenchNetwork (role: string): Promise<BenchNetwork> {
  const { key: root, seed } = await generateSigningKey()
  const roles = []
  for (const definition of DEFAULT_ROLES) roles.push({ ...definition, recipient: (await generateRoleKey()).recipient })
  const readerKeys = await nextReaderKeys({ roles: Object.fromEntries(roles.map(r => [r.name, r])), admin: await adminKeyOf(seed) })
  const { policy } = await signPolicy(root, { roles, readerKeys })
  const { policy: perRolePolicy } = await signPolicy(root, { roles })
  const { key: signer } = await generateSigningKey()
  const certificate = await issueCertificate(root, {
    member: signer.publicKey,
    roles: [role],
    notBefore: Date.now() - 60_000,
    notAfter: Date.now() + 86_400_000
  })
  return { root, policy, perRolePolicy, author: { signer, certificate, role } }
}
