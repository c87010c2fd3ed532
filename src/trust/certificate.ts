import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { ExpiredCertificateError, InvalidCertificateError, InvalidSignatureError, UnknownRoleError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { signedPayload } from './domain.ts'
import type { Policy } from './policy.ts'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifySignature } from './signing-key.ts'
import type { SigningKey } from './signing-key.ts'

/**
 * A membership certificate: the network root vouches that a member key may act
 * in the listed roles for a while. Binary, because every record carries one.
 */
export interface MembershipCertificate {
  readonly network: Uint8Array
  readonly member: Uint8Array
  readonly roles: readonly string[]
  readonly notBefore: number
  readonly notAfter: number
  readonly signature: Uint8Array
}

const CERTIFICATE_VERSION = 1
const MAX_ROLES = 32

export interface CertificateRequest {
  member: Uint8Array
  roles: readonly string[]
  notBefore?: number
  notAfter: number
}

export async function issueCertificate (root: SigningKey, request: CertificateRequest): Promise<MembershipCertificate> {
  const unsigned = {
    network: root.publicKey,
    member: request.member,
    roles: [...new Set(request.roles)].sort(),
    notBefore: request.notBefore ?? Date.now(),
    notAfter: request.notAfter
  }
  checkShape(unsigned)
  const signature = await root.sign(signedPayload('certificate', encodeBody(unsigned)))
  return { ...unsigned, signature }
}

export function encodeCertificate (cert: MembershipCertificate): Uint8Array {
  const body = encodeBody(cert)
  const out = new Uint8Array(body.length + SIGNATURE_BYTES)
  out.set(body)
  out.set(cert.signature, body.length)
  return out
}

export function decodeCertificate (bytes: Uint8Array): MembershipCertificate {
  try {
    const reader = new ByteReader(bytes)
    const version = reader.u8('certificate version')
    if (version !== CERTIFICATE_VERSION) throw new CodecError(`unsupported certificate version ${version}`)
    const network = reader.raw(PUBLIC_KEY_BYTES, 'network key')
    const member = reader.raw(PUBLIC_KEY_BYTES, 'member key')
    const count = reader.varint('role count', MAX_ROLES)
    const roles: string[] = []
    for (let i = 0; i < count; i++) roles.push(reader.string('role', 64))
    const notBefore = reader.u64('notBefore')
    const notAfter = reader.u64('notAfter')
    const signature = reader.raw(SIGNATURE_BYTES, 'certificate signature')
    reader.end('certificate')
    const cert = { network, member, roles, notBefore, notAfter, signature }
    checkShape(cert)
    // Only the canonical encoding is accepted, so one certificate has one byte form.
    if (!equalBytes(encodeCertificate(cert), bytes)) throw new CodecError('certificate is not canonically encoded')
    return cert
  } catch (error) {
    if (error instanceof CodecError) throw new InvalidCertificateError(`malformed certificate: ${error.message}`)
    throw error
  }
}

export interface CertificateCheck {
  rootPublicKey: Uint8Array
  policy: Policy
  now?: number
}

/** The whole chain: root signature, network, time window, roles the policy knows. */
export async function verifyCertificate (cert: MembershipCertificate, check: CertificateCheck): Promise<void> {
  if (!equalBytes(cert.network, check.rootPublicKey)) {
    throw new InvalidCertificateError('certificate was issued for another network')
  }
  const ok = verifiedBefore(cert) || await verifySignature(check.rootPublicKey, cert.signature, signedPayload('certificate', encodeBody(cert)))
  if (!ok) throw new InvalidSignatureError('certificate signature does not verify under the network root key')
  const now = check.now ?? Date.now()
  if (now < cert.notBefore) throw new ExpiredCertificateError(`certificate is not valid until ${new Date(cert.notBefore).toISOString()}`)
  if (now > cert.notAfter) throw new ExpiredCertificateError(`certificate expired at ${new Date(cert.notAfter).toISOString()}`)
  for (const role of cert.roles) {
    if (!Object.hasOwn(check.policy.roles, role)) {
      throw new UnknownRoleError(`certificate grants role "${role}", which policy version ${check.policy.version} does not define`)
    }
  }
  rememberVerified(cert)
}

/**
 * Every record a member writes carries the same certificate, and checking its
 * root signature is half the cost of validating a record. A certificate whose
 * exact bytes (root key included) verified once verifies again; its time window
 * and roles are still checked every time.
 */
const verified = new Set<string>()
const MAX_REMEMBERED = 4096

function verifiedBefore (cert: MembershipCertificate): boolean {
  return verified.has(toBase64url(encodeCertificate(cert)))
}

function rememberVerified (cert: MembershipCertificate): void {
  if (verified.size >= MAX_REMEMBERED) verified.clear()
  verified.add(toBase64url(encodeCertificate(cert)))
}

export function certificateMemberId (cert: MembershipCertificate): string {
  return toBase64url(cert.member)
}

function encodeBody (cert: Omit<MembershipCertificate, 'signature'>): Uint8Array {
  const writer = new ByteWriter(128)
    .u8(CERTIFICATE_VERSION)
    .raw(cert.network)
    .raw(cert.member)
    .varint(cert.roles.length)
  for (const role of cert.roles) writer.string(role)
  return writer.u64(cert.notBefore).u64(cert.notAfter).finish()
}

function checkShape (cert: Omit<MembershipCertificate, 'signature'>): void {
  if (cert.network.length !== PUBLIC_KEY_BYTES || cert.member.length !== PUBLIC_KEY_BYTES) {
    throw new InvalidCertificateError('certificate keys must be 32-byte Ed25519 public keys')
  }
  if (cert.roles.length === 0 || cert.roles.length > MAX_ROLES) {
    throw new InvalidCertificateError(`a certificate grants 1 to ${MAX_ROLES} roles`)
  }
  for (let i = 0; i < cert.roles.length; i++) {
    const role = cert.roles[i] as string
    if (!ROLE_NAME.test(role)) throw new InvalidCertificateError(`certificate role "${role}" is not a valid role name`)
    if (i > 0 && (cert.roles[i - 1] as string) >= role) throw new InvalidCertificateError('certificate roles must be sorted and unique')
  }
  if (!(cert.notBefore <= cert.notAfter)) throw new InvalidCertificateError('certificate notAfter precedes notBefore')
}
