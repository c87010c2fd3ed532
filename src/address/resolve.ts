import { addressFromFields } from './format.ts'
import { parseAddress } from './parse.ts'
import type { UcxlAddress } from './types.ts'

/** Accepts either form callers hold; objects are re-validated, not trusted. */
export function resolveAddress (address: string | UcxlAddress): UcxlAddress {
  return typeof address === 'string' ? parseAddress(address) : addressFromFields(address)
}
