import { recipientOf } from '../crypto/generate.ts'
import { RoleKeyring } from '../crypto/keyring.ts'
import { memberIdentity } from '../crypto/member-recipient.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { equalBytes, utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { InvalidInviteError, SlurpError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { decodeCertificate, encodeCertificate, issueCertificate, verifyCertificate } from '../trust/certificate.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import { verifyPolicy } from '../trust/policy.ts'
import type { Policy, SignedPolicy } from '../trust/policy.ts'
import { generateSigningKey, signingKeyFromSeed } from '../trust/signing-key.ts'
import type { SigningKey } from '../trust/signing-key.ts'

/**
 * An invite: everything a new member needs to join one network, in one
 * bundle — the network root (the trust anchor), the signed policy, a member
 * key with its root-issued certificate, the role identities it may read with,
 * and relays to start from. Browser tabs import it (a file, pasted text, or a
 * `#invite=` URL fragment, which browsers never send to a server).
 *
 * It holds secrets: hand it over the way you would hand over a private key.
 */
export const INVITE_FORMAT = 'slurp-invite/1'

export interface InviteFile {
  readonly format: typeof INVITE_FORMAT
  /** The network root's Ed25519 public key, base64url. */
  readonly network: string
  readonly policy: SignedPolicy
  readonly member: {
    /** The member's Ed25519 seed, base64url. Secret. */
    readonly key: string
    /** The binary membership certificate, base64url. */
    readonly certificate: string
  }
  /** Role → age identities, newest first. Secret. */
  readonly roles: Readonly<Record<string, readonly string[]>>
  /** Relay multiaddrs (with /p2p/ ids). */
  readonly bootstrap: readonly string[]
  /** Who the invite is for, shown in the UI. */
  readonly label?: string
}

/** An invite checked against its own root: ready to build a peer from. */
export interface OpenedInvite {
  readonly file: InviteFile
  readonly rootPublicKey: Uint8Array
  readonly policy: Policy
  /** `deliveryIdentity` opens the key bundles the root publishes for this member after a rotation. */
  readonly member: { readonly signer: SigningKey, readonly certificate: MembershipCertificate, readonly deliveryIdentity: string }
  readonly keyring: RoleKeyring
  readonly bootstrap: readonly string[]
}

export interface CreateInviteOptions {
  readonly root: SigningKey
  readonly policy: SignedPolicy
  /** Roles the member is certified for (may write as). */
  readonly roles: readonly string[]
  /** Role → identities to include; defaults to none (a write-only member). */
  readonly identities: Readonly<Record<string, readonly string[]>>
  readonly bootstrap?: readonly string[]
  readonly validForMs: number
  readonly label?: string
  readonly now?: number
}

/** Makes a new member key, certifies it for `roles`, and bundles it all. */
export async function createInvite (options: CreateInviteOptions): Promise<InviteFile> {
  const now = options.now ?? Date.now()
  const member = await generateSigningKey()
  const certificate = await issueCertificate(options.root, {
    member: member.key.publicKey,
    roles: options.roles,
    notBefore: now - 60_000,
    notAfter: now + options.validForMs
  })
  return {
    format: INVITE_FORMAT,
    network: toBase64url(options.root.publicKey),
    policy: options.policy,
    member: { key: toBase64url(member.seed), certificate: toBase64url(encodeCertificate(certificate)) },
    roles: Object.fromEntries(Object.entries(options.identities).map(([role, list]) => [role, [...list]])),
    bootstrap: [...(options.bootstrap ?? [])],
    ...(options.label === undefined ? {} : { label: options.label })
  }
}

/** Pretty JSON: what `slurp invite` writes and the web app's file import reads. */
export function formatInvite (invite: InviteFile): string {
  return `${JSON.stringify(invite, null, 2)}\n`
}

/** base64url of the JSON: safe in a URL fragment. */
export function inviteToFragment (invite: InviteFile): string {
  return toBase64url(utf8Encode(JSON.stringify(invite)))
}

/** Reads an invite from its JSON or its base64url form; checks shape only (see openInvite). */
export function parseInvite (text: string): InviteFile {
  const trimmed = text.trim()
  let value: unknown
  try {
    value = JSON.parse(trimmed.startsWith('{') ? trimmed : utf8Decode(fromBase64url(trimmed)))
  } catch (cause) {
    throw new InvalidInviteError('not an invite: expected the JSON or base64url text "slurp invite" prints', { cause })
  }
  return checkShape(value)
}

/**
 * Verifies an invite against the root it names: the policy's signature, the
 * certificate's chain and time window, that the member key is the certified
 * one, and that every identity is a well-formed age key for a known role.
 */
export async function openInvite (invite: InviteFile, now?: number): Promise<OpenedInvite> {
  try {
    const rootPublicKey = fromBase64url(invite.network)
    const policy = await verifyPolicy(invite.policy, rootPublicKey)
    const certificate = decodeCertificate(fromBase64url(invite.member.certificate))
    await verifyCertificate(certificate, { rootPublicKey, policy, ...(now === undefined ? {} : { now }) })
    const seed = fromBase64url(invite.member.key)
    const signer = await signingKeyFromSeed(seed)
    if (!equalBytes(signer.publicKey, certificate.member)) {
      throw new InvalidInviteError('the member key is not the one the certificate names')
    }
    const keyring = new RoleKeyring()
    for (const [role, identities] of Object.entries(invite.roles)) {
      if (!Object.hasOwn(policy.roles, role)) throw new InvalidInviteError(`the invite holds a key for role "${role}", which the policy does not define`)
      for (const identity of identities) await keyring.add(role, identity)
    }
    return { file: invite, rootPublicKey, policy, member: { signer, certificate, deliveryIdentity: memberIdentity(seed) }, keyring, bootstrap: invite.bootstrap }
  } catch (error) {
    if (error instanceof InvalidInviteError) throw error
    if (error instanceof SlurpError) throw new InvalidInviteError(`the invite does not check out: ${error.message}`, { cause: error })
    throw new InvalidInviteError('the invite does not check out', { cause: error })
  }
}

/** A copy of the invite holding one more identity for `role` (kept first: the newest encrypts). */
export async function withIdentity (invite: InviteFile, role: string, identity: string): Promise<InviteFile> {
  if (!ROLE_NAME.test(role)) throw new InvalidInviteError(`"${role}" is not a valid role name`)
  await recipientOf(identity)
  const list = invite.roles[role] ?? []
  if (list.includes(identity)) return invite
  return { ...invite, roles: { ...invite.roles, [role]: [identity, ...list] } }
}

/** A copy of the invite with a newer signed policy (one the mesh brought: a rotation, a revocation). */
export function withPolicy (invite: InviteFile, policy: SignedPolicy): InviteFile {
  return { ...invite, policy }
}

/** A copy of the invite without any identity for `role`. */
export function withoutRole (invite: InviteFile, role: string): InviteFile {
  const roles = { ...invite.roles }
  delete roles[role]
  return { ...invite, roles }
}

function checkShape (value: unknown): InviteFile {
  const bad = (problem: string): InvalidInviteError => new InvalidInviteError(`invite ${problem}`)
  if (!isRecord(value)) throw bad('must be a JSON object')
  if (value.format !== INVITE_FORMAT) throw bad(`format must be "${INVITE_FORMAT}"`)
  if (typeof value.network !== 'string') throw bad('network must be the base64url root key')
  if (!isRecord(value.policy)) throw bad('policy must be the signed policy object')
  const member = value.member
  if (!isRecord(member) || typeof member.key !== 'string' || typeof member.certificate !== 'string') {
    throw bad('member must hold "key" and "certificate" strings')
  }
  if (!isRecord(value.roles)) throw bad('roles must map role names to lists of identities')
  for (const [role, list] of Object.entries(value.roles)) {
    if (!ROLE_NAME.test(role)) throw bad(`role "${role}" is not a valid role name`)
    if (!Array.isArray(list) || !list.every(entry => typeof entry === 'string')) throw bad(`roles.${role} must be a list of identity strings`)
  }
  if (!Array.isArray(value.bootstrap) || !value.bootstrap.every(entry => typeof entry === 'string')) {
    throw bad('bootstrap must be a list of multiaddr strings')
  }
  if (value.label !== undefined && typeof value.label !== 'string') throw bad('label must be a string')
  return value as unknown as InviteFile
}

function isRecord (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
