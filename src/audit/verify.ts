import { toBase64url } from '../encoding/base64url.ts'
import { equalBytes } from '../encoding/bytes.ts'
import { AuditVerificationError, SplitViewError } from '../errors.ts'
import type { Checkpoint, SignedCheckpoint } from './checkpoint.ts'
import { MemoryTree, leafHash, verifyConsistency, verifyInclusion } from './merkle.ts'

/**
 * What anyone holding a relay's entries and checkpoints can check without
 * trusting the relay: that the entries are exactly the ones the signed root
 * commits to (in order, none missing or added), that one entry is in the log,
 * and that a later checkpoint extends an earlier one.
 */

/** The root of a log holding exactly `entries` (their canonical bytes), in order. */
export async function rootOfEntries (entries: readonly Uint8Array[]): Promise<Uint8Array> {
  const tree = new MemoryTree()
  for (const data of entries) tree.append(data)
  return await tree.root()
}

/** Throws AuditVerificationError unless `entries` are the checkpoint's log, entry for entry. */
export async function verifyEntries (entries: readonly Uint8Array[], checkpoint: Checkpoint): Promise<void> {
  if (entries.length !== checkpoint.size) {
    throw new AuditVerificationError(`the checkpoint covers ${checkpoint.size} entries, ${entries.length} were given`)
  }
  const root = await rootOfEntries(entries)
  if (!equalBytes(root, checkpoint.root)) {
    throw new AuditVerificationError(`the ${entries.length} entries hash to ${toBase64url(root)}, not to the signed root ${toBase64url(checkpoint.root)}`)
  }
}

/** Throws AuditVerificationError unless entry `index` with bytes `data` is in the checkpoint's log. */
export function verifyEntryIncluded (index: number, data: Uint8Array, proof: readonly Uint8Array[], checkpoint: Checkpoint): void {
  if (!verifyInclusion(index, checkpoint.size, leafHash(data), proof, checkpoint.root)) {
    throw new AuditVerificationError(`entry ${index} is not in the log of ${checkpoint.size} entries this checkpoint signs`)
  }
}

/**
 * Throws SplitViewError unless the two checkpoints of one log can both be
 * true: `proof` is the consistency proof from the smaller to the larger.
 */
export function verifyCheckpointsConsistent (earlier: SignedCheckpoint, later: SignedCheckpoint, proof: readonly Uint8Array[]): void {
  if (earlier.log !== later.log) throw new AuditVerificationError(`the checkpoints are of two logs (${earlier.log}, ${later.log})`)
  const [small, large] = earlier.size <= later.size ? [earlier, later] : [later, earlier]
  if (!verifyConsistency(small.size, large.size, small.root, large.root, proof)) {
    throw new SplitViewError(`${later.log} signed a log of ${later.size} entries that does not extend the one of ${earlier.size} entries it signed before`, earlier, later)
  }
}
