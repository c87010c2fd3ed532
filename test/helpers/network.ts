import { generateRoleKey } from '../../src/crypto/generate.ts'
import { createInvite } from '../../src/invite/invite.ts'
import type { InviteFile } from '../../src/invite/invite.ts'
import { RoleKeyring } from '../../src/crypto/keyring.ts'
import { DEFAULT_ROLES } from '../../src/roles/defaults.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import type { SigningKey } from '../../src/trust/signing-key.ts'
import { signPolicy } from '../../src/trust/policy.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { dhtKey } from '../../src/address/index.ts'
import { adminKeyOf } from '../../src/keys/admin-key.ts'
import { nextReaderKeys } from '../../src/keys/reader-keys.ts'
import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { increment } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { sealRecord } from '../../src/record/seal.ts'
import type { SealedRecord } from '../../src/record/seal.ts'
import type { MembershipCertificate } from '../../src/trust/certificate.ts'
import type { Author } from '../../src/record/context-record.ts'
import type { Policy, PolicyDraft, SignedPolicy } from '../../src/trust/policy.ts'

/** A whole test network: root key, signed default policy and every role's identity. */
export interface TestNetwork {
  root: SigningKey
  /** The admin key for sealed reader keys (adminKeyOf the root seed). */
  admin: { identity: string, recipient: string }
  signed: SignedPolicy
  policy: Policy
  identities: Record<string, string>
  keyring (...roles: string[]): Promise<RoleKeyring>
}

/** With `readerKeys: false`, a policy as signed before reader keys existed (records encrypted to each role). */
export async function createTestNetwork (overrides: Partial<PolicyDraft> = {}, options: { readerKeys?: boolean } = {}): Promise<TestNetwork> {
  const { key: root, seed } = await generateSigningKey()
  const admin = await adminKeyOf(seed)
  const identities: Record<string, string> = {}
  const roles = []
  for (const role of DEFAULT_ROLES) {
    const pair = await generateRoleKey()
    identities[role.name] = pair.identity
    roles.push({ ...role, recipient: pair.recipient })
  }
  const readerKeys = options.readerKeys === false ? {} : { readerKeys: await nextReaderKeys({ roles: Object.fromEntries(roles.map(role => [role.name, role])), admin }) }
  const signed = await signPolicy(root, { roles, ...readerKeys, ...overrides })
  return {
    root,
    admin,
    signed,
    policy: signed.policy,
    identities,
    // As a peer holds them: the role keys, and the reader keys they unseal from the policy.
    keyring: async (...names) => {
      const keyring = await RoleKeyring.from(names.map(name => [name, identities[name] as string] as const))
      await unlockPolicyKeys(signed.policy, keyring)
      return keyring
    }
  }
}

export interface TestMember {
  signer: SigningKey
  certificate: MembershipCertificate
  author (role: string): Author
}

/** A member key with a root-issued certificate for `roles`, valid for a day unless told otherwise. */
export async function createTestMember (network: TestNetwork, roles: string[], window: { notBefore?: number, notAfter?: number } = {}): Promise<TestMember> {
  const { key: signer } = await generateSigningKey()
  const certificate = await issueCertificate(network.root, {
    member: signer.publicKey,
    roles,
    notBefore: window.notBefore ?? Date.now() - 60_000,
    notAfter: window.notAfter ?? Date.now() + 86_400_000
  })
  return { signer, certificate, author: role => ({ signer, certificate, role }) }
}

/** A correctly signed record from a read_only (observer) member, which relays must refuse. */
export async function observerRecord (observer: TestMember, address: string): Promise<SealedRecord & { key: string }> {
  const key = await dhtKey(address)
  const sealed = await sealRecord({
    key,
    clock: increment({}, toBase64url(observer.signer.publicKey)),
    signer: observer.signer,
    certificate: observer.certificate,
    role: 'observer',
    contentType: 'suggestion',
    created: Date.now(),
    updated: Date.now(),
    ciphertext: new Uint8Array(64)
  })
  return { ...sealed, key }
}

/** An invite for a new member of the test network, certified for `roles` and holding their keys. */
export async function createTestInvite (network: TestNetwork, roles: string[], bootstrap: string[] = [], label?: string): Promise<InviteFile> {
  return await createInvite({
    root: network.root,
    policy: network.signed,
    roles,
    identities: Object.fromEntries(roles.map(role => [role, [network.identities[role] as string]])),
    bootstrap,
    validForMs: 86_400_000,
    ...(label === undefined ? {} : { label })
  })
}
