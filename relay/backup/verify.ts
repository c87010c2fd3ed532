import type { RoleKeyring } from '../../src/crypto/keyring.ts'
import { utf8Decode } from '../../src/encoding/bytes.ts'
import { AccessDeniedError, SlurpError, throwIfAborted } from '../../src/errors.ts'
import { unlockPolicyKeys } from '../../src/keys/unlock.ts'
import { openContextRecord } from '../../src/record/context-record.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { verifyPolicy } from '../../src/trust/policy.ts'
import type { Policy, SignedPolicy } from '../../src/trust/policy.ts'
import type { BackupRepository } from './repository.ts'
import { manifestBlobs, openManifest, verifySnapshotSignature } from './snapshot.ts'
import type { SnapshotFile } from './snapshot.ts'

export interface VerifyOptions {
  readonly repo: BackupRepository
  readonly rootPublicKey: Uint8Array
  /**
   * Role keys. With them each manifest is opened and checked against its
   * blobs; without, only what the clear headers allow (signatures, blobs,
   * records) is checked.
   */
  readonly keyring?: RoleKeyring
  /** One snapshot (id, prefix or "latest"); all by default. */
  readonly snapshot?: string
  /** A fraction (0..1] of the record versions to decrypt with the keyring (`--read-data-subset`). */
  readonly readDataSubset?: number
  readonly signal?: AbortSignal
  /** Blobs checked so far of those the snapshots reference. */
  readonly onProgress?: (done: number, total: number) => void
}

export interface VerifyReport {
  readonly snapshots: number
  /** Distinct blobs read and hashed. */
  readonly blobs: number
  /** Distinct record versions whose signatures were checked. */
  readonly records: number
  /** Manifests opened with the keyring (0 without one). */
  readonly manifests: number
  readonly sampled: number
  readonly decrypted: number
  /** Everything found wrong, one line each; empty when the backup is sound. */
  readonly problems: readonly string[]
}

/**
 * Reads every blob the snapshots reference once: its SHA-256 against its
 * name, and, for records, the record's own checks (signature, ciphertext
 * hash, certificate chain at its signed time) under the snapshot's policy.
 * Then each snapshot's signature, and (with keys) its manifest against its
 * blobs: every version filed under the key it was signed for. A sample,
 * when asked, is decrypted and opened as a reader would.
 */
export async function verifyBackup (options: VerifyOptions): Promise<VerifyReport> {
  const { repo, rootPublicKey, keyring, signal } = options
  const snapshots = options.snapshot === undefined ? await repo.snapshots() : [await repo.snapshot(options.snapshot)]
  const problems: string[] = []
  const policies = new Map<string, Policy | undefined>()
  const recordKeys = new Map<string, string>()
  const checked = new Set<string>()
  const total = new Set(snapshots.flatMap(file => file.blobs)).size
  let records = 0
  let manifests = 0

  for (const file of snapshots) {
    const where = `snapshot ${file.id}`
    const policy = await snapshotPolicy(repo, file, rootPublicKey, policies).catch((error: Error) => { problems.push(`${where}: its policy: ${error.message}`) })
    if (policy === undefined) continue
    await verifySnapshotSignature(file, { rootPublicKey, policy }).catch((error: Error) => { problems.push(`${where}: ${error.message}`) })
    if (file.network !== repo.network || policy.network !== repo.network) problems.push(`${where}: belongs to another network`)
    const blobs = new Set(file.blobs)
    if (!blobs.has(file.policy) || blobs.size !== file.blobs.length) problems.push(`${where}: its blob list is malformed`)
    for (const hash of file.blobs) {
      if (checked.has(hash)) continue
      throwIfAborted(signal)
      checked.add(hash)
      options.onProgress?.(checked.size, total)
      let bytes: Uint8Array
      try {
        bytes = await repo.blobs.readVerified(hash)
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`)
        continue
      }
      if (hash === file.policy || policies.has(hash)) continue
      try {
        const record = await validateRecord(bytes, { rootPublicKey, policy }, undefined, { origin: 'replica' })
        recordKeys.set(hash, record.key)
        records++
      } catch (error) {
        problems.push(`${where}: blob ${hash} is not a valid record: ${(error as Error).message}`)
      }
    }
    if (keyring === undefined) continue
    try {
      const manifest = await openManifest(file, keyring)
      manifests++
      const named = manifestBlobs(manifest)
      if (named.size !== blobs.size || [...named].some(hash => !blobs.has(hash))) problems.push(`${where}: its manifest and its header name different blobs`)
      for (const entry of manifest.records) {
        for (const hash of [...entry.versions, ...entry.history]) {
          const key = recordKeys.get(hash)
          if (key !== undefined && key !== entry.key) problems.push(`${where}: blob ${hash} is filed under ${entry.key} but signed for ${key}`)
        }
      }
    } catch (error) {
      problems.push(`${where}: its manifest: ${error instanceof AccessDeniedError ? `the keys given cannot open it (it is encrypted to role "${file.encryptedTo.role}")` : (error as Error).message}`)
    }
  }

  const { sampled, decrypted } = options.readDataSubset === undefined || keyring === undefined
    ? { sampled: 0, decrypted: 0 }
    : await readSubset(repo, [...recordKeys.keys()], options.readDataSubset, keyring, [...policies.values()].filter(p => p !== undefined), problems, signal)
  return { snapshots: snapshots.length, blobs: checked.size, records, manifests, sampled, decrypted, problems }
}

/** A snapshot's policy from its blob, verified under the root (cached by blob: snapshots share it). */
export async function snapshotPolicy (repo: BackupRepository, file: SnapshotFile, rootPublicKey: Uint8Array, cache = new Map<string, Policy | undefined>()): Promise<Policy> {
  return (await readSignedPolicy(repo, file.policy, rootPublicKey, cache)).policy
}

export async function readSignedPolicy (repo: BackupRepository, hash: string, rootPublicKey: Uint8Array, cache = new Map<string, Policy | undefined>()): Promise<{ policy: Policy, signed: SignedPolicy }> {
  const signed = JSON.parse(utf8Decode(await repo.blobs.readVerified(hash))) as SignedPolicy
  const policy = await verifyPolicy(signed, rootPublicKey)
  cache.set(hash, policy)
  return { policy, signed }
}

/** Decrypts ⌈fraction × n⌉ record versions picked at random and opens each as a context item. */
async function readSubset (repo: BackupRepository, hashes: string[], fraction: number, keyring: RoleKeyring, policies: Policy[], problems: string[], signal?: AbortSignal): Promise<{ sampled: number, decrypted: number }> {
  // Reader keys sealed in the policies open records written to reader sets.
  for (const policy of policies) await unlockPolicyKeys(policy, keyring)
  const count = Math.min(hashes.length, Math.ceil(fraction * hashes.length))
  const sample = shuffle(hashes).slice(0, count)
  let decrypted = 0
  for (const hash of sample) {
    throwIfAborted(signal)
    try {
      await openContextRecord(decodeEnvelope(await repo.blobs.readVerified(hash)), keyring)
      decrypted++
    } catch (error) {
      const why = error instanceof AccessDeniedError ? `the keys given cannot read it (${error.message})` : error instanceof SlurpError ? error.message : String(error)
      problems.push(`record blob ${hash}: ${why}`)
    }
  }
  return { sampled: sample.length, decrypted }
}

function shuffle<T> (items: T[]): T[] {
  const out = [...items]
  const random = crypto.getRandomValues(new Uint32Array(out.length))
  for (let i = out.length - 1; i > 0; i--) {
    const j = (random[i] as number) % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}
