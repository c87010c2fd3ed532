import { buildAddress } from './build.ts'
import { normaliseIdentifier, type IdentifierField } from './identifier.ts'
import { invalid } from './invalid.ts'
import { parsePath } from './path.ts'
import { normaliseSegment } from './segment.ts'
import type { AddressFields, UcxlAddress } from './types.ts'

/** The canonical string for the given fields, validated and normalised like parseAddress. */
export function formatAddress (fields: AddressFields): string {
  return addressFromFields(fields).canonical
}

/**
 * Validates fields into an address. The fields are the source of truth: a `canonical`
 * property on the argument is ignored, so a hand-built or altered object cannot smuggle
 * in a string that disagrees with them.
 */
export function addressFromFields (fields: AddressFields): UcxlAddress {
  if (typeof fields !== 'object' || fields === null) throw invalid('expected an object with the address fields')
  const agent = optional('agent', fields.agent)
  const role = optional('role', fields.role)
  const project = identifier('project', fields.project)
  const task = optional('task', fields.task)

  const fromSegments = fields.segments === undefined ? undefined : segmentsFrom(fields.segments)
  const fromPath = fields.path === undefined ? undefined : pathFrom(fields.path)
  if (fromSegments !== undefined && fromPath !== undefined && fromSegments.join('/') !== fromPath.join('/')) {
    throw invalid('segments and path disagree')
  }
  const segments = fromSegments ?? fromPath
  if (segments === undefined) throw invalid('segments or path is required')
  return buildAddress({ agent, role, project, task, segments })
}

function identifier (field: IdentifierField, value: unknown): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a string, got ${typeof value}`)
  return normaliseIdentifier(field, value, (i) => ` at index ${i} of ${field}`)
}

function optional (field: IdentifierField, value: unknown): string | undefined {
  return value === undefined ? undefined : identifier(field, value)
}

function segmentsFrom (value: unknown): string[] {
  if (!Array.isArray(value)) throw invalid(`segments must be an array, got ${typeof value}`)
  return value.map((segment: unknown, n) => {
    if (typeof segment !== 'string') throw invalid(`segments[${n}] must be a string, got ${typeof segment}`)
    return normaliseSegment(segment, (i) => ` at index ${i} of segments[${n}]`)
  })
}

function pathFrom (value: unknown): string[] {
  if (typeof value !== 'string') throw invalid(`path must be a string, got ${typeof value}`)
  return parsePath(value, (i) => ` at index ${i} of path`)
}
