import { canonicalJson } from '../codec/canonical-json.ts'
import { isRecipient } from '../crypto/age-keys.ts'
import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Encode } from '../encoding/bytes.ts'
import { InvalidPolicyError, InvalidSignatureError } from '../errors.ts'
import { AUTHORITY_LEVELS, DEFAULT_WRITE_RULES, isAuthorityLevel, isContentType } from '../roles/authority.ts'
import type { WriteRules } from '../roles/authority.ts'
import { ROLE_NAME } from '../roles/role.ts'
import type { RoleDefinition } from '../roles/role.ts'
import { signedPayload } from './domain.ts'
import { parsePolicyKeys } from './policy-keys.ts'
import type { PolicyKeys } from './policy-keys.ts'
import { parsePolicyGeneration } from './policy-generation.ts'
import type { PolicyGeneration } from './policy-generation.ts'
import { verifySignature } from './signing-key.ts'
import type { SigningKey } from './signing-key.ts'

export const POLICY_FORMAT = 'slurp-policy/1'
/** Relays reject envelopes over this size unless the policy says otherwise. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024
/**
 * Records one member may have a relay accept per minute, when the policy does
 * not say: 20 a second sustained, a minute's worth at once. Generous for
 * people and agents; it stops one member filling relays at wire speed.
 */
export const DEFAULT_WRITES_PER_MINUTE = 1200
/** Bytes of records one member may have a relay accept per minute, when the policy does not say: 2 MiB a second sustained. */
export const DEFAULT_BYTES_PER_MINUTE = 120 * 1024 * 1024

/**
 * What relays enforce. The quotas are optional in the signed document: a
 * policy signed before they existed has none, parses as it was signed (so its
 * signature still verifies) and gets the defaults (see memberQuotaOf).
 */
export interface PolicyLimits {
  readonly maxRecordBytes: number
  /** Records one member (certificate key) may have one relay accept per minute, as a token bucket. */
  readonly writesPerMinute?: number
  /** Bytes of records one member may have one relay accept per minute; at least maxRecordBytes. */
  readonly bytesPerMinute?: number
}

/** A role as the policy publishes it: with the age recipient its readers' content is encrypted to. */
export interface PolicyRole extends RoleDefinition {
  readonly recipient: string
}

export interface Policy extends PolicyKeys {
  readonly format: typeof POLICY_FORMAT
  /** The network root's Ed25519 public key, base64url: the network's identity. */
  readonly network: string
  /** Increases with every change; peers keep the highest version they have verified. */
  readonly version: number
  readonly issuedAt: number
  readonly roles: Readonly<Record<string, PolicyRole>>
  readonly writeRules: WriteRules
  readonly limits: PolicyLimits
  /** Who generates context: the leader role and its voters (issue 13). */
  readonly generation?: PolicyGeneration
}

export interface SignedPolicy {
  readonly policy: Policy
  readonly signature: string
}

export interface PolicyDraft extends PolicyKeys {
  roles: readonly PolicyRole[]
  version?: number
  issuedAt?: number
  writeRules?: WriteRules
  maxRecordBytes?: number
  writesPerMinute?: number
  bytesPerMinute?: number
  generation?: PolicyGeneration
}

/** A member's quota at each relay, with the defaults for a policy that sets none. */
export function memberQuotaOf (policy: Policy): { writesPerMinute: number, bytesPerMinute: number } {
  return {
    writesPerMinute: policy.limits.writesPerMinute ?? DEFAULT_WRITES_PER_MINUTE,
    bytesPerMinute: policy.limits.bytesPerMinute ?? Math.max(DEFAULT_BYTES_PER_MINUTE, policy.limits.maxRecordBytes)
  }
}

export async function signPolicy (root: SigningKey, draft: PolicyDraft): Promise<SignedPolicy> {
  const policy = parsePolicy({
    format: POLICY_FORMAT,
    network: toBase64url(root.publicKey),
    version: draft.version ?? 1,
    issuedAt: draft.issuedAt ?? Date.now(),
    roles: Object.fromEntries(draft.roles.map(role => [role.name, role])),
    writeRules: draft.writeRules ?? DEFAULT_WRITE_RULES,
    limits: {
      maxRecordBytes: draft.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
      ...(draft.writesPerMinute === undefined ? {} : { writesPerMinute: draft.writesPerMinute }),
      ...(draft.bytesPerMinute === undefined ? {} : { bytesPerMinute: draft.bytesPerMinute })
    },
    ...(draft.generation === undefined ? {} : { generation: draft.generation }),
    ...(draft.readerKeys === undefined ? {} : { readerKeys: draft.readerKeys }),
    ...(draft.revoked === undefined ? {} : { revoked: draft.revoked }),
    ...(draft.memberKeys === undefined ? {} : { memberKeys: draft.memberKeys })
  })
  const signature = await root.sign(policyPayload(policy))
  return { policy, signature: toBase64url(signature) }
}

/**
 * Checks a signed policy against the network root a node was configured with.
 * Accepts `unknown` because policies arrive from files and the network.
 */
export async function verifyPolicy (signed: unknown, rootPublicKey: Uint8Array): Promise<Policy> {
  if (!isObject(signed) || typeof signed.signature !== 'string') {
    throw new InvalidPolicyError('a signed policy is an object with "policy" and "signature"')
  }
  const policy = parsePolicy(signed.policy)
  if (policy.network !== toBase64url(rootPublicKey)) {
    throw new InvalidSignatureError('policy belongs to another network (its root key differs)')
  }
  let signature: Uint8Array
  try {
    signature = fromBase64url(signed.signature)
  } catch {
    throw new InvalidSignatureError('policy signature is not base64url')
  }
  if (!await verifySignature(rootPublicKey, signature, policyPayload(policy))) {
    throw new InvalidSignatureError('policy signature does not verify under the network root key')
  }
  return policy
}

function policyPayload (policy: Policy): Uint8Array {
  return signedPayload('policy', utf8Encode(canonicalJson(policy)))
}

/** Structural validation: every field present, typed and consistent. */
export function parsePolicy (value: unknown): Policy {
  if (!isObject(value)) throw new InvalidPolicyError('policy must be an object')
  if (value.format !== POLICY_FORMAT) throw new InvalidPolicyError(`policy format must be "${POLICY_FORMAT}"`)
  if (typeof value.network !== 'string' || !isBase64urlKey(value.network)) {
    throw new InvalidPolicyError('policy network must be the base64url root public key')
  }
  if (!Number.isSafeInteger(value.version) || (value.version as number) < 1) {
    throw new InvalidPolicyError('policy version must be a positive integer')
  }
  if (!Number.isSafeInteger(value.issuedAt) || (value.issuedAt as number) < 0) {
    throw new InvalidPolicyError('policy issuedAt must be a timestamp in milliseconds')
  }
  const roles = parseRoles(value.roles)
  const writeRules = parseWriteRules(value.writeRules)
  const limits = parseLimits(value.limits)
  return {
    format: POLICY_FORMAT,
    network: value.network,
    version: value.version as number,
    issuedAt: value.issuedAt as number,
    roles,
    writeRules,
    limits,
    ...(value.generation === undefined ? {} : { generation: parsePolicyGeneration(value.generation, roles) }),
    ...parsePolicyKeys(value)
  }
}

function parseLimits (value: unknown): PolicyLimits {
  if (!isObject(value) || !Number.isSafeInteger(value.maxRecordBytes) || (value.maxRecordBytes as number) < 1024) {
    throw new InvalidPolicyError('policy limits.maxRecordBytes must be an integer ≥ 1024')
  }
  const maxRecordBytes = value.maxRecordBytes as number
  const { writesPerMinute, bytesPerMinute } = value
  if (writesPerMinute !== undefined && (!Number.isSafeInteger(writesPerMinute) || (writesPerMinute as number) < 1)) {
    throw new InvalidPolicyError('policy limits.writesPerMinute must be a positive integer')
  }
  // Below one record's size, a member could never write a record of the allowed size.
  if (bytesPerMinute !== undefined && (!Number.isSafeInteger(bytesPerMinute) || (bytesPerMinute as number) < maxRecordBytes)) {
    throw new InvalidPolicyError('policy limits.bytesPerMinute must be an integer ≥ limits.maxRecordBytes')
  }
  // Absent stays absent: the signature covers the document as it was signed.
  return {
    maxRecordBytes,
    ...(writesPerMinute === undefined ? {} : { writesPerMinute: writesPerMinute as number }),
    ...(bytesPerMinute === undefined ? {} : { bytesPerMinute: bytesPerMinute as number })
  }
}

function parseRoles (value: unknown): Record<string, PolicyRole> {
  if (!isObject(value)) throw new InvalidPolicyError('policy roles must be an object keyed by role name')
  const names = Object.keys(value)
  if (names.length === 0) throw new InvalidPolicyError('policy defines no roles')
  const roles: Record<string, PolicyRole> = {}
  for (const name of names) {
    const role = value[name]
    if (!ROLE_NAME.test(name)) throw new InvalidPolicyError(`role name "${name}" must match ${String(ROLE_NAME)}`)
    if (!isObject(role) || role.name !== name) throw new InvalidPolicyError(`role "${name}" must be an object whose name is "${name}"`)
    if (!isAuthorityLevel(role.authority)) {
      throw new InvalidPolicyError(`role "${name}" authority must be one of ${AUTHORITY_LEVELS.join(', ')}`)
    }
    if (!Array.isArray(role.canDecrypt) || !role.canDecrypt.every(r => r === '*' || (typeof r === 'string' && names.includes(r)))) {
      throw new InvalidPolicyError(`role "${name}" canDecrypt must list known roles or "*"`)
    }
    if (!isRecipient(role.recipient)) throw new InvalidPolicyError(`role "${name}" recipient must be an age X25519 recipient (age1…)`)
    if (role.description !== undefined && typeof role.description !== 'string') {
      throw new InvalidPolicyError(`role "${name}" description must be a string`)
    }
    roles[name] = {
      name,
      authority: role.authority,
      canDecrypt: [...new Set(role.canDecrypt as string[])],
      recipient: role.recipient,
      ...(role.description === undefined ? {} : { description: role.description })
    }
  }
  return roles
}

function parseWriteRules (value: unknown): WriteRules {
  if (!isObject(value)) throw new InvalidPolicyError('policy writeRules must be an object keyed by authority level')
  const rules: Partial<Record<string, readonly string[]>> = {}
  for (const level of AUTHORITY_LEVELS) {
    const types = value[level]
    if (!Array.isArray(types) || !types.every(isContentType)) {
      throw new InvalidPolicyError(`policy writeRules.${level} must list content types`)
    }
    if (level === 'read_only' && types.length > 0) throw new InvalidPolicyError('read_only roles cannot be allowed to write')
    rules[level] = [...new Set(types)]
  }
  return rules as WriteRules
}

/** A base64url 32-byte key (the root's, a member's). */
export function isBase64urlKey (text: string): boolean {
  try {
    return fromBase64url(text).length === 32
  } catch {
    return false
  }
}

export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
