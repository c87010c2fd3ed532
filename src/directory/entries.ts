import { normaliseAddress } from '../address/index.ts'
import { InvalidAddressError, InvalidRecordError } from '../errors.ts'
import { isReservedAddress, projectOf } from './layout.ts'

/** The item types a directory lists (suggestions are listed with their address instead). */
export const LISTED_TYPES = ['context', 'decision', 'task'] as const
export type ListedType = typeof LISTED_TYPES[number]

/** One directory line: an address and the type of item stored there. */
export type DirectoryLine = readonly [address: string, type: ListedType]

const VERSION = 1
/** Lines per shard record: 8 shards × this many addresses per project and role. */
export const MAX_LINES = 20_000

/** The body of a directory record: versioned JSON, lines sorted so equal sets encode equally. */
export function encodeDirectory (lines: Iterable<DirectoryLine>): string {
  const sorted = [...lines].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)
  return JSON.stringify({ v: VERSION, lines: sorted })
}

/**
 * The lines of a directory record of `project`; throws InvalidRecordError for
 * anything else: another version, another project's address, a reserved
 * address, an unknown type, or more than MAX_LINES lines.
 */
export function decodeDirectory (body: string, project: string): DirectoryLine[] {
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (cause) {
    throw new InvalidRecordError('a directory record\'s body is not JSON', { cause })
  }
  if (typeof value !== 'object' || value === null || (value as { v?: unknown }).v !== VERSION) throw new InvalidRecordError(`a directory record must be {"v":${VERSION},"lines":[…]}`)
  const lines = (value as { lines?: unknown }).lines
  if (!Array.isArray(lines) || lines.length > MAX_LINES) throw new InvalidRecordError(`a directory record holds a list of at most ${MAX_LINES} lines`)
  return lines.map((line, i) => decodeLine(line, i, project))
}

function decodeLine (line: unknown, i: number, project: string): DirectoryLine {
  if (!Array.isArray(line) || line.length !== 2 || typeof line[0] !== 'string' || !(LISTED_TYPES as readonly unknown[]).includes(line[1])) {
    throw new InvalidRecordError(`directory line ${i} must be [address, ${LISTED_TYPES.join(' | ')}]`)
  }
  let address: string
  try {
    address = normaliseAddress(line[0])
  } catch (error) {
    if (error instanceof InvalidAddressError) throw new InvalidRecordError(`directory line ${i}: ${error.message}`, { cause: error })
    throw error
  }
  if (address !== line[0]) throw new InvalidRecordError(`directory line ${i} is not in canonical form`)
  if (projectOf(address) !== project) throw new InvalidRecordError(`directory line ${i} lists an address of another project`)
  if (isReservedAddress(address)) throw new InvalidRecordError(`directory line ${i} lists a reserved address`)
  return [address, line[1] as ListedType]
}
