import { UnknownRoleError } from '../errors.ts'
import type { AuthorityLevel } from './authority.ts'

/** Role names double as file names (keys/<role>.age), so they stay simple. */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,63}$/

export interface RoleDefinition {
  readonly name: string
  readonly authority: AuthorityLevel
  /** Roles whose content this role may read; '*' means every role. */
  readonly canDecrypt: readonly string[]
  readonly description?: string
}

export type RoleTable = Readonly<Record<string, RoleDefinition>>

export function requireRole<R extends RoleDefinition> (roles: Readonly<Record<string, R>>, name: string): R {
  const role = Object.hasOwn(roles, name) ? roles[name] : undefined
  if (role === undefined) {
    throw new UnknownRoleError(`unknown role "${name}"; known roles: ${Object.keys(roles).sort().join(', ')}`)
  }
  return role
}

/**
 * Every role that may read what `writer` writes: the writer itself and every
 * role whose canDecrypt names it or '*' (seed 003's getDecryptableRoles).
 * Sorted, so every node encrypts to the same recipient list.
 */
export function readersOf (roles: RoleTable, writer: string): string[] {
  requireRole(roles, writer)
  const readers = new Set([writer])
  for (const role of Object.values(roles)) {
    if (role.canDecrypt.includes('*') || role.canDecrypt.includes(writer)) readers.add(role.name)
  }
  return [...readers].sort()
}

/** Every role whose content `reader` may read (the inverse of readersOf). */
export function readableBy (roles: RoleTable, reader: string): string[] {
  return Object.keys(roles).filter(writer => readersOf(roles, writer).includes(reader)).sort()
}
