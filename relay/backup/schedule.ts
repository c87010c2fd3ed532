import { Cron } from 'croner'
import { UsageError } from '../../src/errors.ts'

export interface BackupScheduleInit {
  /** A 5-field cron pattern ("0 2 * * *": 02:00 every day), read in UTC. */
  readonly cron: string
  /** One backup run; a run still going when the next is due makes that one skip. */
  readonly run: () => Promise<void>
  /** Told about a run that failed; the schedule goes on. */
  readonly onError: (error: unknown) => void
}

export interface BackupSchedule {
  /** When the next run is due (undefined once stopped). */
  nextRun (): Date | undefined
  /** Idempotent; a run in progress finishes. */
  stop (): void
  /** Runs a backup now, unless one is running (then it returns at once). */
  trigger (): Promise<void>
  /** The run in progress, if any: what a relay waits for before it closes its store. */
  idle (): Promise<void>
}

/**
 * Runs backups on a cron schedule in UTC, with croner (no dependencies, and
 * correct across DST changes, which never matter in UTC but do when a
 * pattern is read in a local zone). A run due while the previous one goes
 * on is skipped. The timer does not keep a process alive.
 */
export function scheduleBackups (init: BackupScheduleInit): BackupSchedule {
  if (init.cron.trim().split(/\s+/).length !== 5) throw new UsageError(`--backup-schedule takes a 5-field cron pattern in UTC (minute hour day month weekday), e.g. "0 2 * * *", not "${init.cron}"`)
  let running: Promise<void> | undefined
  // Croner's own overrun protection does not cover manual triggers: one guard for both.
  const runOnce = async (): Promise<void> => {
    if (running !== undefined) return
    running = init.run().catch(init.onError).finally(() => { running = undefined })
    await running
  }
  let job: Cron
  try {
    job = new Cron(init.cron, { timezone: 'Etc/UTC', unref: true, mode: '5-part' }, runOnce)
  } catch (cause) {
    throw new UsageError(`--backup-schedule "${init.cron}" is not a cron pattern: ${(cause as Error).message}`, { cause })
  }
  return {
    nextRun: () => job.nextRun() ?? undefined,
    stop: () => { job.stop() },
    trigger: runOnce,
    idle: async () => { await running }
  }
}
