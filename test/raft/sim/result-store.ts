import { FencedError } from '../../../src/errors.ts'

export interface StoredResult {
  term: number
  version: string
  writer: string
}

/**
 * Where generated results go, fenced the way relays refuse dominated versions:
 * one slot per request id, and a write from a term lower than the stored one
 * is refused. It keeps every write it accepted or refused, for the checker.
 */
export class FencedResultStore {
  readonly results = new Map<string, StoredResult>()
  accepted = 0
  fenced = 0
  replaced = 0

  put (requestId: string, result: StoredResult): void {
    const held = this.results.get(requestId)
    if (held !== undefined && result.term < held.term) {
      this.fenced++
      throw new FencedError(`result for ${requestId} from term ${result.term} refused: term ${held.term} already stored`)
    }
    if (held !== undefined) this.replaced++
    this.accepted++
    this.results.set(requestId, result)
  }
}
