import { InvalidAddressError } from '../errors.ts'
import { normaliseAddress } from './parse.ts'

/**
 * A field of a decoded structure that must hold an address, in canonical
 * form; anything else is reported through `invalid` (the structure's own
 * error), naming the field.
 */
export function addressField (value: unknown, field: string, invalid: (problem: string) => Error): string {
  if (typeof value !== 'string') throw invalid(`${field} must be a ucxl:// address`)
  try {
    return normaliseAddress(value)
  } catch (error) {
    if (error instanceof InvalidAddressError) throw invalid(`${field}: ${error.message}`)
    throw error
  }
}
