import { invalid } from './invalid.ts'
import { MAX_ADDRESS_LENGTH, type UcxlAddress } from './types.ts'

export interface CanonicalParts {
  readonly agent?: string | undefined
  readonly role?: string | undefined
  readonly project: string
  readonly task?: string | undefined
  readonly segments: readonly string[]
}

/**
 * Assembles an address from parts that are already canonical. Absent fields are left
 * out rather than set to undefined, so addresses compare equal with toEqual and
 * survive a JSON round trip unchanged.
 */
export function buildAddress (parts: CanonicalParts): UcxlAddress {
  const { agent, role, project, task } = parts
  if (role !== undefined && agent === undefined) throw invalid('a role needs an agent (agent:role@project)')
  const segments = Object.freeze([...parts.segments])
  const path = '/' + segments.join('/')
  const user = agent === undefined ? '' : agent + (role === undefined ? '' : ':' + role) + '@'
  const canonical = 'ucxl://' + user + project + (task === undefined ? '' : ':' + task) + path
  if (canonical.length > MAX_ADDRESS_LENGTH) {
    throw invalid(`canonical form is ${canonical.length} characters long; the limit is ${MAX_ADDRESS_LENGTH}`)
  }
  return Object.freeze({
    ...(agent === undefined ? {} : { agent }),
    ...(role === undefined ? {} : { role }),
    project,
    ...(task === undefined ? {} : { task }),
    segments,
    path,
    canonical
  })
}
