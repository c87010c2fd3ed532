import { combine } from 'shamir-secret-sharing'
import { MismatchedSharesError, NotEnoughSharesError } from '../errors.ts'
import { SHARE_BYTES } from './payload.ts'
import { shareBytes } from './share.ts'
import type { EscrowShare } from './share.ts'

/** The fields every share of one split has in common. */
const SPLIT_FIELDS = ['format', 'network', 'subject', 'publicKey', 'threshold', 'shares'] as const

/**
 * Checks that the shares come from one split and are enough, then runs
 * Shamir's combine. The result is NOT verified: too few or damaged shares
 * give a wrong payload without any error. recoverKey verifies it.
 */
export async function combineShares (shares: readonly EscrowShare[]): Promise<Uint8Array> {
  const first = shares[0]
  if (first === undefined) throw new NotEnoughSharesError('no shares given')
  for (const share of shares) {
    for (const field of SPLIT_FIELDS) {
      if (share[field] !== first[field]) {
        throw new MismatchedSharesError(`share ${share.index} is not from the same split as share ${first.index}: its ${field} differs (${String(share[field])} ≠ ${String(first[field])})`)
      }
    }
  }
  const indexes = new Set<number>()
  const coordinates = new Set<number>()
  const parts: Uint8Array[] = []
  for (const share of shares) {
    if (indexes.has(share.index)) throw new MismatchedSharesError(`share ${share.index} is given twice: each share counts once`)
    indexes.add(share.index)
    const bytes = shareBytes(share)
    const x = bytes[SHARE_BYTES - 1] ?? 0
    if (coordinates.has(x)) throw new MismatchedSharesError(`share ${share.index} has the same x coordinate as another share: they cannot be from one split`)
    coordinates.add(x)
    parts.push(Uint8Array.from(bytes))
  }
  if (shares.length < first.threshold) {
    throw new NotEnoughSharesError(`${shares.length} share${shares.length === 1 ? '' : 's'} given, but this split (${first.subject}) needs ${first.threshold} of its ${first.shares} to rebuild the key`)
  }
  try {
    return await combine(parts)
  } catch (cause) {
    throw new MismatchedSharesError(`the shares do not combine: ${(cause as Error).message}`, { cause })
  } finally {
    for (const part of parts) part.fill(0)
  }
}
