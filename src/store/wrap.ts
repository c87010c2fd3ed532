import { SlurpError, StorageError } from '../errors.ts'

/** Runs a backend call, turning its failures into StorageError (ours pass through). */
export async function wrapBackend<T> (what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw toStorageError(what, err)
  }
}

export function toStorageError (what: string, err: unknown): SlurpError {
  if (err instanceof SlurpError) return err
  const reason = err instanceof Error ? err.message : String(err)
  return new StorageError(`${what} failed: ${reason}`, { cause: err })
}
