import { StorageError } from '../errors.ts'
import type { BatchOperation } from './types.ts'

// A lone surrogate cannot be encoded as UTF-8, so LevelDB would silently store a
// different key than IndexedDB or memory; rejecting it keeps all adapters agreeing.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export function assertKey (key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new StorageError(`store key must be a non-empty string, got ${describe(key)}`)
  }
  if (LONE_SURROGATE.test(key)) {
    throw new StorageError('store key must be well-formed Unicode (it contains a lone surrogate)')
  }
}

export function assertPrefix (prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') {
    throw new StorageError(`list prefix must be a string, got ${describe(prefix)}`)
  }
  // Same reason as for keys: LevelDB cannot express a range for it.
  if (LONE_SURROGATE.test(prefix)) {
    throw new StorageError('list prefix must be well-formed Unicode (it contains a lone surrogate)')
  }
}

export function assertValue (value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new StorageError(`store value must be a Uint8Array, got ${describe(value)}`)
  }
}

/** Returns `limit` as a count, Infinity when absent. */
export function checkLimit (limit: unknown): number {
  if (limit === undefined) return Infinity
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) {
    throw new StorageError(`list limit must be a non-negative integer, got ${describe(limit)}`)
  }
  return limit
}

/** A plain Uint8Array holding its own copy of exactly the viewed bytes. */
export function copyBytes (value: Uint8Array): Uint8Array {
  // Not value.slice(): on a Buffer that would return a Buffer sharing Node's pool.
  return new Uint8Array(value)
}

/**
 * Checks every operation before any is applied (so one bad operation leaves the
 * store untouched) and returns copies whose values the caller can no longer change.
 */
export function checkBatch (operations: unknown): BatchOperation[] {
  if (!Array.isArray(operations)) {
    throw new StorageError(`batch operations must be an array, got ${describe(operations)}`)
  }
  return operations.map((op: unknown, index): BatchOperation => {
    if (typeof op !== 'object' || op === null) {
      throw new StorageError(`batch operation ${index} must be an object, got ${describe(op)}`)
    }
    const { type, key, value } = op as Record<string, unknown>
    try {
      assertKey(key)
      if (type === 'delete') return { type, key }
      if (type !== 'put') throw new StorageError(`type must be 'put' or 'delete', got ${describe(type)}`)
      assertValue(value)
      return { type, key, value: copyBytes(value) }
    } catch (err) {
      throw new StorageError(`batch operation ${index} is invalid: ${(err as Error).message}`, { cause: err })
    }
  })
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : 'a string'
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object'
  return typeof value
}
