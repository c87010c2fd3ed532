import { isRecipient } from '../crypto/age-keys.ts'
import { fromBase64url } from '../encoding/base64url.ts'
import { InvalidPolicyError } from '../errors.ts'
import { ROLE_NAME } from '../roles/role.ts'
import { isBase64urlKey, isObject } from './policy.ts'

/**
 * The parts of a policy that change when keys change: reader keys, revoked
 * members, and key bundles for members. All optional in the signed document,
 * so a policy signed before they existed verifies as it was signed.
 */

/**
 * One reader set's key: what every role in `roles` reads is encrypted to
 * `recipient` alone, so a write costs one key agreement whatever the number of
 * readers. `sealed` is an age file (base64url) to those roles' current
 * recipients and the admin's key: an age identity file holding this set's
 * identity for `epoch` first, then those of earlier epochs, so records written
 * before a rotation stay readable with the new role keys.
 */
export interface ReaderKey {
  readonly roles: readonly string[]
  readonly epoch: number
  readonly recipient: string
  readonly sealed: string
}

/** The root's word that a member may no longer write: its records signed at or after `at` are refused. */
export interface Revocation {
  readonly member: string
  readonly at: number
  readonly reason?: string
}

export interface PolicyKeys {
  readonly readerKeys?: readonly ReaderKey[]
  readonly revoked?: readonly Revocation[]
  /** Per member (public key, base64url): an age file to that member holding the role identities it reads with. */
  readonly memberKeys?: Readonly<Record<string, string>>
}

const MAX_READER_KEYS = 1024
const MAX_SEALED_CHARS = 256 * 1024
const MAX_REVOCATIONS = 10_000
const MAX_REASON = 500

export function parsePolicyKeys (value: Record<string, unknown>): PolicyKeys {
  return {
    ...(value.readerKeys === undefined ? {} : { readerKeys: parseReaderKeys(value.readerKeys) }),
    ...(value.revoked === undefined ? {} : { revoked: parseRevoked(value.revoked) }),
    ...(value.memberKeys === undefined ? {} : { memberKeys: parseMemberKeys(value.memberKeys) })
  }
}

/** The reader key `roles` (a reader set) is written with, if the policy has one. */
export function readerKeyFor (keys: PolicyKeys, roles: readonly string[]): ReaderKey | undefined {
  const wanted = setName(roles)
  return keys.readerKeys?.find(entry => setName(entry.roles) === wanted)
}

export function setName (roles: readonly string[]): string {
  return [...roles].sort().join(',')
}

/** When `member` (base64url) was revoked, if it was. */
export function revokedAt (keys: PolicyKeys, member: string): number | undefined {
  return keys.revoked?.find(entry => entry.member === member)?.at
}

function parseReaderKeys (value: unknown): ReaderKey[] {
  if (!Array.isArray(value) || value.length > MAX_READER_KEYS) throw new InvalidPolicyError(`policy readerKeys must be a list of at most ${MAX_READER_KEYS}`)
  const seen = new Set<string>()
  return value.map((entry: unknown, i) => {
    if (!isObject(entry)) throw new InvalidPolicyError(`policy readerKeys[${i}] must be an object`)
    const { roles, epoch, recipient, sealed } = entry
    if (!Array.isArray(roles) || roles.length === 0 || !roles.every(role => typeof role === 'string' && ROLE_NAME.test(role))) {
      throw new InvalidPolicyError(`policy readerKeys[${i}].roles must list role names`)
    }
    const sorted = [...new Set(roles as string[])].sort()
    if (sorted.length !== roles.length || sorted.some((role, j) => role !== roles[j])) {
      throw new InvalidPolicyError(`policy readerKeys[${i}].roles must be sorted and unique`)
    }
    if (seen.has(setName(sorted))) throw new InvalidPolicyError(`policy readerKeys has two keys for the reader set ${setName(sorted)}`)
    seen.add(setName(sorted))
    if (!Number.isSafeInteger(epoch) || (epoch as number) < 1) throw new InvalidPolicyError(`policy readerKeys[${i}].epoch must be a positive integer`)
    if (!isRecipient(recipient)) throw new InvalidPolicyError(`policy readerKeys[${i}].recipient must be an age X25519 recipient`)
    if (!isSealed(sealed)) throw new InvalidPolicyError(`policy readerKeys[${i}].sealed must be a base64url age file`)
    return { roles: sorted, epoch: epoch as number, recipient, sealed }
  })
}

function parseRevoked (value: unknown): Revocation[] {
  if (!Array.isArray(value) || value.length > MAX_REVOCATIONS) throw new InvalidPolicyError(`policy revoked must be a list of at most ${MAX_REVOCATIONS}`)
  const seen = new Set<string>()
  return value.map((entry: unknown, i) => {
    if (!isObject(entry) || typeof entry.member !== 'string' || !isBase64urlKey(entry.member)) {
      throw new InvalidPolicyError(`policy revoked[${i}].member must be a base64url member key`)
    }
    if (seen.has(entry.member)) throw new InvalidPolicyError(`policy revokes member ${entry.member} twice`)
    seen.add(entry.member)
    if (!Number.isSafeInteger(entry.at) || (entry.at as number) < 0) throw new InvalidPolicyError(`policy revoked[${i}].at must be a timestamp in milliseconds`)
    if (entry.reason !== undefined && (typeof entry.reason !== 'string' || entry.reason.length > MAX_REASON)) {
      throw new InvalidPolicyError(`policy revoked[${i}].reason must be a string of at most ${MAX_REASON} characters`)
    }
    return { member: entry.member, at: entry.at as number, ...(entry.reason === undefined ? {} : { reason: entry.reason }) }
  })
}

function parseMemberKeys (value: unknown): Record<string, string> {
  if (!isObject(value)) throw new InvalidPolicyError('policy memberKeys must be an object keyed by member key')
  const out: Record<string, string> = {}
  for (const [member, sealed] of Object.entries(value)) {
    if (!isBase64urlKey(member)) throw new InvalidPolicyError(`policy memberKeys has "${member.slice(0, 60)}", which is not a base64url member key`)
    if (!isSealed(sealed)) throw new InvalidPolicyError(`policy memberKeys.${member} must be a base64url age file`)
    out[member] = sealed
  }
  return out
}

function isSealed (value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SEALED_CHARS) return false
  try {
    fromBase64url(value)
    return true
  } catch {
    return false
  }
}
