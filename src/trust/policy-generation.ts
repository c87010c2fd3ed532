import { InvalidPolicyError } from '../errors.ts'
import { compareAuthority } from '../roles/authority.ts'
import type { RoleDefinition } from '../roles/role.ts'
import { fromBase64url } from '../encoding/base64url.ts'

/**
 * Who generates context (issue 13), as the root signs it: the role the
 * elected leader writes as, the member keys of the voters that may lead, and
 * the roles the leader may write for. Optional in the document: a policy
 * signed before it existed parses as it was signed, and has no leader.
 */
export interface PolicyGeneration {
  /** Seed 001: the leader acts as project_manager. */
  readonly leaderRole: string
  /** Member public keys (base64url) of the voters: 1, 3 or 5 (one is a development mesh, with no failover). */
  readonly voters: readonly string[]
  /** Roles the leader may generate for; absent: every role whose authority is at most the leader role's. */
  readonly forRoles?: readonly string[]
}

export const DEFAULT_LEADER_ROLE = 'project_manager'
const VOTER_COUNTS = [1, 3, 5]

export function parsePolicyGeneration (value: unknown, roles: Readonly<Record<string, RoleDefinition>>): PolicyGeneration {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidPolicyError('policy generation must be an object')
  const { leaderRole, voters, forRoles } = value as Record<string, unknown>
  if (typeof leaderRole !== 'string' || !Object.hasOwn(roles, leaderRole)) {
    throw new InvalidPolicyError('policy generation.leaderRole must name a role of the policy')
  }
  if (!Array.isArray(voters) || !VOTER_COUNTS.includes(voters.length) || !voters.every(isMemberKey) || new Set(voters).size !== voters.length) {
    throw new InvalidPolicyError(`policy generation.voters must list ${VOTER_COUNTS.join(', ')} distinct member keys (base64url Ed25519)`)
  }
  if (forRoles !== undefined && (!Array.isArray(forRoles) || !forRoles.every(role => typeof role === 'string' && Object.hasOwn(roles, role)))) {
    throw new InvalidPolicyError('policy generation.forRoles must list roles of the policy')
  }
  return {
    leaderRole,
    voters: voters as string[],
    ...(forRoles === undefined ? {} : { forRoles: [...new Set(forRoles as string[])] })
  }
}

/** The roles the leader may generate for under `generation`. */
export function generatedForRoles (generation: PolicyGeneration, roles: Readonly<Record<string, RoleDefinition>>): string[] {
  if (generation.forRoles !== undefined) return [...generation.forRoles]
  const leader = roles[generation.leaderRole]
  if (leader === undefined) return []
  return Object.values(roles).filter(role => compareAuthority(leader.authority, role.authority) >= 0).map(role => role.name).sort()
}

function isMemberKey (value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    return fromBase64url(value).length === 32
  } catch {
    return false
  }
}
