import { canonicalJson } from '../codec/canonical-json.ts'
import { normaliseAddress } from '../address/index.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Encode } from '../encoding/bytes.ts'
import { BinarySourceError, InvalidAddressError, InvalidSignatureError, WriteNotAllowedError } from '../errors.ts'
import { checkSource } from '../generate/check-source.ts'
import { MAX_SOURCE_LENGTH } from '../raft/queue-commands.ts'
import type { GenerationRequest, Priority } from '../raft/queue-commands.ts'
import { requireRole } from '../roles/role.ts'
import { decodeCertificate, encodeCertificate, verifyCertificate } from '../trust/certificate.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import { signedPayload } from '../trust/domain.ts'
import { revokedAt } from '../trust/policy-keys.ts'
import type { Policy } from '../trust/policy.ts'
import { verifySignature } from '../trust/signing-key.ts'
import type { SigningKey } from '../trust/signing-key.ts'
import { sourceHashOf } from './generation-work.ts'

export interface RequestInput {
  readonly address: string
  /** The role the context is generated for: the requester must hold it. */
  readonly role: string
  readonly priority?: Priority
  /** The source file's bytes: checked to be text within MAX_SOURCE_LENGTH. */
  readonly source: Uint8Array
  readonly generatorVersion: string
  readonly dependsOn?: readonly string[]
  /** Default: derived from the address, role, source hash and generator, so a rerun asks again with the same id. */
  readonly id?: string
}

/**
 * The text of a source, or a named error (checkSource): a binary file, or one
 * over what a request may carry (MAX_SOURCE_LENGTH bytes), is refused before
 * it travels.
 */
export function sourceText (bytes: Uint8Array, path = 'the source'): string {
  return checkSource(path, bytes, { maxBytes: MAX_SOURCE_LENGTH })
}

/** A request, signed by the member who makes it (see admitRequest). */
export async function buildRequest (input: RequestInput, member: { signer: SigningKey, certificate: MembershipCertificate }): Promise<GenerationRequest> {
  const address = normaliseAddress(input.address)
  const source = sourceText(input.source, address)
  const sourceHash = sourceHashOf(source)
  const id = input.id ?? `g-${sourceHashOf(canonicalJson([address, input.role, sourceHash, input.generatorVersion])).slice(0, 32)}`
  const unsigned: GenerationRequest = {
    id,
    address,
    role: input.role,
    priority: input.priority ?? 'normal',
    sourceHash,
    sourceKey: 'inline',
    source,
    generatorVersion: input.generatorVersion,
    dependsOn: input.dependsOn ?? []
  }
  const signature = await member.signer.sign(requestPayload(unsigned))
  return { ...unsigned, requester: { certificate: toBase64url(encodeCertificate(member.certificate)), signature: toBase64url(signature) } }
}

/**
 * What a voter checks before a request from outside enters the log: signed by
 * a member whose certificate is valid now and not revoked, who holds the role
 * it asks for (the result is read as if that member had written it), for a
 * canonical address, with a text source that hashes to its sourceHash.
 */
export async function admitRequest (request: GenerationRequest, check: { rootPublicKey: Uint8Array, policy: Policy, now?: number }): Promise<MembershipCertificate> {
  requireRole(check.policy.roles, request.role)
  if (request.requester === undefined) throw new InvalidSignatureError('a generation request must be signed by the member who makes it')
  let certificate: MembershipCertificate
  let signature: Uint8Array
  try {
    certificate = decodeCertificate(fromBase64url(request.requester.certificate))
    signature = fromBase64url(request.requester.signature)
  } catch (cause) {
    throw new InvalidSignatureError('the request\'s certificate or signature is malformed', { cause })
  }
  await verifyCertificate(certificate, { rootPublicKey: check.rootPublicKey, policy: check.policy, ...(check.now === undefined ? {} : { now: check.now }) })
  if (revokedAt(check.policy, toBase64url(certificate.member)) !== undefined) throw new WriteNotAllowedError('the requester was revoked')
  const { requester: _, ...unsigned } = request
  if (!await verifySignature(certificate.member, signature, requestPayload(unsigned))) {
    throw new InvalidSignatureError('the request signature does not verify under the requester\'s key')
  }
  if (!certificate.roles.includes(request.role)) {
    throw new WriteNotAllowedError(`the requester is not certified for role "${request.role}", so it may not ask for context generated for it`)
  }
  if (normaliseAddress(request.address) !== request.address) throw new InvalidAddressError(`request address ${request.address} is not canonical`)
  if (request.source === undefined) throw new BinarySourceError('the request carries no source')
  if (sourceHashOf(request.source) !== request.sourceHash) throw new InvalidSignatureError('the request\'s source does not hash to its sourceHash')
  return certificate
}

function requestPayload (request: Omit<GenerationRequest, 'requester'>): Uint8Array {
  return signedPayload('generation-request', utf8Encode(canonicalJson(request)))
}
