export { AgeMalformedError, AgeNoMatchError } from '../../errors.ts'
export type { AgeFailure } from '../../errors.ts'

/** A thrown value's message, whatever was thrown. */
export function messageOf (cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause)
}
