import { mkdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { RoleKeyring } from '../../src/crypto/keyring.ts'
import { BackupIntegrityError, RestoreTargetNotEmptyError, SlurpError, StaleRecordError, throwIfAborted } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { Policy, SignedPolicy } from '../../src/trust/policy.ts'
import { verifyPolicy } from '../../src/trust/policy.ts'
import { keepPolicy } from '../policy-files.ts'
import { readText } from '../key-files.ts'
import type { BackupRepository } from './repository.ts'
import { openManifest, verifySnapshotSignature } from './snapshot.ts'
import type { SnapshotFile } from './snapshot.ts'
import { openStoppedRelayStore } from './sources.ts'
import { readSignedPolicy } from './verify.ts'

export interface RestoreOptions {
  readonly repo: BackupRepository
  /** Id, unique prefix or "latest" (default). */
  readonly snapshot?: string
  /** Opens the manifest: a key of the role the snapshot is encrypted to. */
  readonly keyring: RoleKeyring
  readonly rootPublicKey: Uint8Array
  /** The policy the restoring operator holds (its network directory's); the newer of it and the snapshot's judges the records. */
  readonly policy: { readonly policy: Policy, readonly signed: SignedPolicy }
  /** A relay's data folder (DATA/records is its store); the relay must be stopped. */
  readonly data: string
  /** Restore into a store that already holds records (versions merge by their clocks). */
  readonly merge?: boolean
  readonly signal?: AbortSignal
  readonly onProgress?: (done: number, total: number) => void
}

export interface RestoreReport {
  readonly snapshot: string
  readonly keys: number
  /** Versions the store holds or keeps as history after the restore, of those the snapshot names. */
  readonly versions: number
  /** Versions the relay's validator refused, by error code (a revocation since the backup, say). */
  readonly refused: Readonly<Record<string, number>>
  readonly policyVersion: number
}

/**
 * Puts a snapshot back into a stopped relay's store, through a RecordKeeper
 * like every record a relay takes: each version validated as a replica
 * (judged at its signed time), merged by version order (siblings stay
 * siblings, a dominated version goes to history), history kept as history.
 * The snapshot's signature and every blob's hash are checked first; the
 * policy the backup was made under is kept in DATA/policy.json when it is
 * newer than the one there, so the relay starts with it.
 */
export async function restoreBackup (options: RestoreOptions): Promise<RestoreReport> {
  const { repo, signal } = options
  const file = await repo.snapshot(options.snapshot)
  const backedUp = await readSignedPolicy(repo, file.policy, options.rootPublicKey)
  await verifySnapshotSignature(file, { rootPublicKey: options.rootPublicKey, policy: backedUp.policy })
  const manifest = await openManifest(file, options.keyring)
  const newest = backedUp.policy.version > options.policy.policy.version ? backedUp : options.policy

  await mkdir(options.data, { recursive: true, mode: 0o700 })
  const store = await openStoppedRelayStore(options.data, { create: true })
  const refused: Record<string, number> = {}
  const problems: string[] = []
  let versions = 0
  try {
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: options.rootPublicKey, policy: newest.policy }) })
    if (options.merge !== true) {
      const keys = keeper.keys()[Symbol.asyncIterator]()
      const first = await keys.next()
      await keys.return?.()
      if (first.done !== true) throw new RestoreTargetNotEmptyError(`${join(options.data, 'records')} already holds records (${String(first.value)} among them): restore into a fresh data folder, or pass --merge`)
    }
    const refuse = (error: unknown): void => {
      if (!(error instanceof SlurpError)) throw error
      refused[error.code] = (refused[error.code] ?? 0) + 1
    }
    let done = 0
    for (const entry of manifest.records) {
      throwIfAborted(signal)
      const history: Uint8Array[] = []
      for (const hash of entry.versions) {
        const bytes = await readBlob(repo, file, hash, problems)
        if (bytes === undefined) continue
        try {
          await keeper.put(entry.key, bytes, { origin: 'replica' })
          versions++
        } catch (error) {
          // Held by one source, superseded at another: it belongs to the history.
          if (error instanceof StaleRecordError) history.push(bytes)
          else refuse(error)
        }
      }
      for (const hash of entry.history) {
        const bytes = await readBlob(repo, file, hash, problems)
        if (bytes !== undefined) history.push(bytes)
      }
      if (history.length > 0) {
        try {
          await keeper.keepHistory(entry.key, history)
          versions += history.length
        } catch (error) {
          refuse(error)
        }
      }
      options.onProgress?.(++done, manifest.records.length)
    }
  } finally {
    await store.close()
  }
  await keepNewerPolicy(join(options.data, 'policy.json'), newest, options.rootPublicKey)
  if (problems.length > 0) throw new BackupIntegrityError(`restored what could be read of snapshot ${file.id}, but ${problems.length} blob(s) were missing or damaged`, problems)
  return { snapshot: file.id, keys: manifest.records.filter(entry => entry.versions.length > 0).length, versions, refused, policyVersion: newest.policy.version }
}

async function readBlob (repo: BackupRepository, file: SnapshotFile, hash: string, problems: string[]): Promise<Uint8Array | undefined> {
  try {
    return await repo.blobs.readVerified(hash)
  } catch (error) {
    if (!(error instanceof BackupIntegrityError)) throw error
    problems.push(`snapshot ${file.id}: ${error.message}`)
    return undefined
  }
}

/** Writes the policy as the relay's kept copy unless the folder holds a newer verified one. */
async function keepNewerPolicy (path: string, newest: { policy: Policy, signed: SignedPolicy }, rootPublicKey: Uint8Array): Promise<void> {
  const exists = await stat(path).then(() => true, () => false)
  if (exists) {
    const held = await readText(path, 'policy').then(async text => await verifyPolicy(JSON.parse(text), rootPublicKey)).catch(() => undefined)
    if (held !== undefined && held.version >= newest.policy.version) return
  }
  await keepPolicy(path, newest.signed)
}
