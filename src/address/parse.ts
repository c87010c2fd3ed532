import { InvalidAddressError } from '../errors.ts'
import { buildAddress } from './build.ts'
import { normaliseIdentifier, type IdentifierField } from './identifier.ts'
import { atIndex, invalid } from './invalid.ts'
import { parsePath } from './path.ts'
import { MAX_ADDRESS_LENGTH, type UcxlAddress } from './types.ts'

const SCHEME = 'ucxl://'

/**
 * Parses and normalises `ucxl://[agent[:role]@]project[:task][/path]`. Throws
 * InvalidAddressError naming the problem and its index in the input.
 */
export function parseAddress (input: string): UcxlAddress {
  if (typeof input !== 'string') throw invalid(`expected a string, got ${typeof input}`)
  // Checked first so that no later step ever scans an unbounded input.
  if (input.length > MAX_ADDRESS_LENGTH) {
    throw invalid(`address is ${input.length} characters long; the limit is ${MAX_ADDRESS_LENGTH}`)
  }
  if (!hasScheme(input)) throw invalid(`must start with '${SCHEME}'`, ' at index 0')

  const slash = input.indexOf('/', SCHEME.length)
  const authorityEnd = slash === -1 ? input.length : slash
  const field = (name: IdentifierField, start: number, end: number): string =>
    normaliseIdentifier(name, input.slice(start, end), atIndex(start))

  let hostStart = SCHEME.length
  let agent: string | undefined
  let role: string | undefined
  const at = indexIn(input, '@', SCHEME.length, authorityEnd)
  if (at !== -1) {
    const again = indexIn(input, '@', at + 1, authorityEnd)
    if (again !== -1) throw invalid("more than one '@' before the path", atIndex(again)(0))
    const colon = single(input, SCHEME.length, at, 'agent:role')
    agent = field('agent', SCHEME.length, colon === -1 ? at : colon)
    if (colon !== -1) role = field('role', colon + 1, at)
    hostStart = at + 1
  }
  const colon = single(input, hostStart, authorityEnd, 'project:task')
  const project = field('project', hostStart, colon === -1 ? authorityEnd : colon)
  const task = colon === -1 ? undefined : field('task', colon + 1, authorityEnd)

  const segments = parsePath(input.slice(authorityEnd), atIndex(authorityEnd))
  return buildAddress({ agent, role, project, task, segments })
}

/** The canonical string form of an address. */
export function normaliseAddress (input: string): string {
  return parseAddress(input).canonical
}

/** True for a string that parses as a ucxl address. */
export function isAddress (input: unknown): input is string {
  if (typeof input !== 'string') return false
  try {
    parseAddress(input)
    return true
  } catch (err) {
    if (err instanceof InvalidAddressError) return false
    throw err
  }
}

function hasScheme (input: string): boolean {
  if (input.length < SCHEME.length) return false
  for (let i = 0; i < SCHEME.length; i++) {
    // ASCII-only case folding: see identifier.ts for why not toLowerCase().
    let c = input.charCodeAt(i)
    if (c >= 0x41 && c <= 0x5a) c += 0x20
    if (c !== SCHEME.charCodeAt(i)) return false
  }
  return true
}

function indexIn (input: string, char: string, start: number, end: number): number {
  const i = input.indexOf(char, start)
  return i < end ? i : -1
}

/** Index of the one ':' in input[start, end), -1 if none; throws on a second one. */
function single (input: string, start: number, end: number, form: string): number {
  const colon = indexIn(input, ':', start, end)
  if (colon !== -1 && indexIn(input, ':', colon + 1, end) !== -1) {
    throw invalid(`more than one ':' in ${form}`, atIndex(indexIn(input, ':', colon + 1, end))(0))
  }
  return colon
}
