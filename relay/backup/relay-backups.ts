import type { PrivateKey } from '@libp2p/interface'
import { UsageError } from '../../src/errors.ts'
import type { RelayNode } from '../../src/relay.ts'
import { backupRole, createBackup } from './create.ts'
import { forgetSnapshots } from './forget.ts'
import type { ForgetReport } from './forget.ts'
import { BackupRepository } from './repository.ts'
import type { RetentionPolicy } from './retention.ts'
import { scheduleBackups } from './schedule.ts'
import type { BackupSchedule } from './schedule.ts'
import { relaySigner } from './signer.ts'
import type { SnapshotFile } from './snapshot.ts'
import { keeperSource } from './sources.ts'

export interface RelayBackupInit {
  readonly relay: RelayNode
  /** The relay's libp2p key: with its relay certificate, it signs the snapshots. */
  readonly privateKey: PrivateKey
  readonly dest: string
  readonly role?: string
  /** Applied after each backup (restic's rules); none: snapshots accumulate. */
  readonly keep?: RetentionPolicy
  readonly now?: () => number
}

export interface RelayBackupResult {
  readonly snapshot: SnapshotFile
  readonly forgot?: ForgetReport
}

/**
 * One backup of a running relay by the relay itself: its keeper read through
 * one store iterator (a consistent view, writes go on), encrypted to the
 * backup role of the relay's newest policy, signed with the relay's own key.
 */
export async function runRelayBackup (init: RelayBackupInit): Promise<RelayBackupResult> {
  const { relay } = init
  const certificate = relay.certificate
  const signed = relay.policyBook.signed
  if (certificate === undefined) throw new UsageError('an uncertified relay cannot sign its backups (start it with a relay certificate)')
  if (signed === undefined) throw new UsageError('the relay holds no signed policy to keep with its backups')
  const repo = await BackupRepository.create(init.dest, signed.policy.network)
  const snapshot = await createBackup({
    repo,
    sources: [keeperSource(relay.keeper, relay.libp2p.peerId.toString())],
    policy: { policy: relay.currentPolicy, signed },
    ...(init.role === undefined ? {} : { role: init.role }),
    signer: relaySigner(init.privateKey, certificate),
    ...(init.now === undefined ? {} : { now: init.now })
  })
  if (init.keep === undefined) return { snapshot }
  return { snapshot, forgot: await forgetSnapshots({ repo, rootPublicKey: relay.policyBook.rootPublicKey, policy: init.keep }) }
}

/** What `slurp relay --backup-schedule CRON --backup-dest DIR [--backup-role R] [--backup-keep …]` asks for. */
export interface ScheduledBackupOptions {
  /** 5-field cron pattern, UTC. */
  readonly cron: string
  readonly dest: string
  readonly role?: string
  readonly keep?: RetentionPolicy
  readonly onResult?: (result: RelayBackupResult) => void
  readonly onError?: (error: unknown) => void
}

/** runRelayBackup on the schedule; a failed run is reported and the next one still runs. */
export function startRelayBackups (init: Omit<RelayBackupInit, 'dest' | 'role' | 'keep'> & ScheduledBackupOptions): BackupSchedule {
  // Fail at start, not at 2 a.m.: the role must exist in the policy now.
  backupRole(init.relay.currentPolicy, init.role)
  return scheduleBackups({ cron: init.cron, onError: error => { init.onError?.(error) }, run: async () => { init.onResult?.(await runRelayBackup(init)) } })
}
