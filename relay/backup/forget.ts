import { rm } from 'node:fs/promises'
import { InvalidBackupError, UsageError } from '../../src/errors.ts'
import type { Policy } from '../../src/trust/policy.ts'
import { isBlobHash } from './blob-store.ts'
import type { BackupRepository } from './repository.ts'
import { applyRetention, isEmptyPolicy } from './retention.ts'
import type { RetentionPolicy } from './retention.ts'
import { verifySnapshotSignature } from './snapshot.ts'
import type { SnapshotFile } from './snapshot.ts'
import { snapshotPolicy } from './verify.ts'

export interface ForgetOptions {
  readonly repo: BackupRepository
  /** The network root: every snapshot's header must carry a signature it vouches for before anything is removed. */
  readonly rootPublicKey: Uint8Array
  readonly policy: RetentionPolicy
  /** Say what would go, change nothing. */
  readonly dryRun?: boolean
}

export interface ForgetReport {
  readonly kept: ReadonlyArray<{ readonly id: string, readonly createdAt: string, readonly reasons: readonly string[] }>
  readonly removed: ReadonlyArray<{ readonly id: string, readonly createdAt: string }>
  /** Blobs no kept snapshot references any more, deleted (or, dry, that would be). */
  readonly prunedBlobs: number
  readonly prunedBytes: number
}

/**
 * Removes the snapshots the policy does not keep (restic's rules, see
 * retention.ts), then every blob no remaining snapshot references, and
 * leftovers of writes that crashed. Under the folder's lock, so no backup
 * adds a snapshot that relies on a blob while it goes. Reads only the clear
 * headers, so no decryption key is needed and a relay can run it unattended;
 * but every header's signature is checked first: the dates and blob lists
 * decide what is deleted, and an edited header (an older date, a shorter blob
 * list) would otherwise delete what a good snapshot needs. One that fails
 * stops the forget before anything is removed.
 */
export async function forgetSnapshots (options: ForgetOptions): Promise<ForgetReport> {
  const { repo } = options
  if (isEmptyPolicy(options.policy)) throw new UsageError('forget needs a policy (--keep-last, --keep-hourly, --keep-daily, --keep-weekly, --keep-monthly or --keep-yearly): with none it would keep everything')
  const release = options.dryRun === true ? async () => {} : await repo.lock('backup forget')
  try {
    const snapshots = await repo.snapshots()
    const policies = new Map<string, Policy | undefined>()
    for (const file of snapshots) {
      try {
        await verifySnapshotSignature(file, { rootPublicKey: options.rootPublicKey, policy: await snapshotPolicy(repo, file, options.rootPublicKey, policies) })
      } catch (cause) {
        throw new InvalidBackupError(`snapshot ${file.id}: its header is not signed by a member or relay the root vouches for (${(cause as Error).message}); nothing was forgotten: run "slurp backup verify" and remove what is forged`, { cause })
      }
    }
    const { keep, remove } = applyRetention(snapshots, options.policy)
    if (options.dryRun !== true) for (const file of remove) await repo.removeSnapshot(file.id)
    const referenced = new Set(keep.flatMap(kept => kept.snapshot.blobs))
    let prunedBlobs = 0
    let prunedBytes = 0
    for await (const { name, path } of repo.blobs.files()) {
      if (referenced.has(name)) continue
      if (isBlobHash(name)) {
        prunedBlobs++
        prunedBytes += await repo.blobs.size(name).catch(() => 0)
      }
      if (options.dryRun !== true) await rm(path, { force: true })
    }
    const brief = (file: SnapshotFile): { id: string, createdAt: string } => ({ id: file.id, createdAt: file.createdAt })
    return { kept: keep.map(kept => ({ ...brief(kept.snapshot), reasons: kept.reasons })), removed: remove.map(brief), prunedBlobs, prunedBytes }
  } finally {
    await release()
  }
}
