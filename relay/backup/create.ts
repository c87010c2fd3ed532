import { utf8Encode } from '../../src/encoding/bytes.ts'
import { InvalidBackupError, UnknownRoleError, throwIfAborted } from '../../src/errors.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import type { Policy, SignedPolicy } from '../../src/trust/policy.ts'
import { BACKUP_ROLE } from './read-protocol.ts'
import type { BackupRepository } from './repository.ts'
import type { BackupSigner } from './signer.ts'
import { MANIFEST_FORMAT, sealSnapshot, snapshotId } from './snapshot.ts'
import type { Manifest, ManifestRecord, SnapshotFile, SnapshotSource, SnapshotStats } from './snapshot.ts'
import type { HoldingsSource } from './sources.ts'

/** What a backup has done so far, per source: keys read of the keys it holds. */
export interface BackupProgress {
  readonly source: string
  readonly phase: 'start' | 'progress' | 'done'
  readonly done: number
  readonly total: number
  readonly newBlobs: number
}

export interface CreateBackupOptions {
  readonly repo: BackupRepository
  readonly sources: readonly HoldingsSource[]
  /** The policy the records were judged by (saved as a blob, named in the manifest). */
  readonly policy: { readonly policy: Policy, readonly signed: SignedPolicy }
  /** The role whose key opens the manifest (default: see backupRole). */
  readonly role?: string
  readonly signer: BackupSigner
  /** Milliseconds since the epoch; injected by tests. */
  readonly now?: () => number
  readonly signal?: AbortSignal
  readonly onProgress?: (progress: BackupProgress) => void
}

/**
 * The role a backup is encrypted to when none is named: "backup" if the
 * policy defines one (an operator who wants restore rights apart from the
 * admin's adds it), else "admin", the role `slurp init` makes for whoever
 * runs the network, which reads everything: the key a restore needs is then
 * one that the admin already keeps safe.
 */
export function backupRole (policy: Policy, wanted?: string): { role: string, recipient: string } {
  const role = wanted ?? (Object.hasOwn(policy.roles, BACKUP_ROLE) ? BACKUP_ROLE : 'admin')
  const entry = Object.hasOwn(policy.roles, role) ? policy.roles[role] : undefined
  if (entry === undefined) throw new UnknownRoleError(`policy version ${policy.version} has no role "${role}" to encrypt the backup to; name one with --role`)
  return { role, recipient: entry.recipient }
}

/**
 * One snapshot: every version each source holds becomes a blob (only those
 * not in the folder yet are written), then the manifest, encrypted to the
 * backup role and signed, is written last: a backup that stops half way
 * leaves blobs no snapshot names (the next forget prunes them), never a
 * snapshot naming blobs that are not there.
 */
export async function createBackup (options: CreateBackupOptions): Promise<SnapshotFile> {
  const { repo, signal } = options
  const policy = options.policy.policy
  if (policy.network !== repo.network) throw new InvalidBackupError(`${repo.path} holds backups of another network`)
  const encryptTo = backupRole(policy, options.role)
  const release = await repo.lock('backup create')
  try {
    const time = (options.now ?? Date.now)()
    const id = snapshotId(time)
    const records = new Map<string, { versions: Set<string>, history: Set<string> }>()
    const sizes = new Map<string, number>()
    const counts = { newBlobs: 0, newBytes: 0 }
    const put = async (bytes: Uint8Array): Promise<string> => {
      const { hash, written } = await repo.blobs.put(bytes)
      if (written) {
        counts.newBlobs++
        counts.newBytes += bytes.length
      }
      sizes.set(hash, bytes.length)
      return hash
    }
    const sources: SnapshotSource[] = []
    for (const source of options.sources) {
      let total = 0
      let done = 0
      const report = (phase: BackupProgress['phase']): void => { options.onProgress?.({ source: source.peerId, phase, done, total, newBlobs: counts.newBlobs }) }
      for await (const held of source.read({ ...(signal === undefined ? {} : { signal }), onTotal: keys => { total = keys; report('start') } })) {
        throwIfAborted(signal)
        let entry = records.get(held.key)
        if (entry === undefined) records.set(held.key, entry = { versions: new Set(), history: new Set() })
        for (const bytes of held.records) {
          // Only records of the key they are filed under: a store that says otherwise is damaged.
          if (decodeEnvelope(bytes).key !== held.key) throw new InvalidBackupError(`relay ${source.peerId} holds a record for another key under ${held.key}`)
          const hash = await put(bytes)
          ;(held.superseded ? entry.history : entry.versions).add(hash)
        }
        if (!held.superseded) {
          done++
          report('progress')
        }
      }
      report('done')
      sources.push({ peerId: source.peerId, kind: source.kind, keys: done })
    }
    const policyBlob = await put(utf8Encode(`${JSON.stringify(options.policy.signed, null, 2)}\n`))
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      id,
      createdAt: new Date(time).toISOString(),
      network: policy.network,
      policyVersion: policy.version,
      policy: policyBlob,
      sources,
      records: [...records].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([key, entry]): ManifestRecord => ({
        key,
        versions: [...entry.versions],
        // A version held by one source and superseded at another is the held one.
        history: [...entry.history].filter(hash => !entry.versions.has(hash))
      }))
    }
    const blobs = [...sizes.keys()].sort()
    const stats: SnapshotStats = {
      keys: manifest.records.filter(record => record.versions.length > 0).length,
      versions: manifest.records.reduce((sum, record) => sum + record.versions.length + record.history.length, 0),
      blobs: blobs.length,
      bytes: [...sizes.values()].reduce((sum, size) => sum + size, 0),
      ...counts
    }
    const file = await sealSnapshot({
      header: { id, time, createdAt: manifest.createdAt, network: policy.network, policyVersion: policy.version, policy: policyBlob, stats, blobs },
      manifest,
      encryptTo,
      signer: options.signer
    })
    await repo.writeSnapshot(file)
    return file
  } finally {
    await release()
  }
}
