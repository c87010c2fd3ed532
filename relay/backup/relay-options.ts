import { UsageError } from '../../src/errors.ts'
import type { OptionSpec } from '../command.ts'
import type { Logger } from '../log.ts'
import type { ScheduledBackupOptions } from './relay-backups.ts'
import { RETENTION_RULES, parseKeep } from './retention.ts'
import type { RetentionPolicy, RetentionRule } from './retention.ts'

/** `slurp relay` flags for scheduled backups. */
export const RELAY_BACKUP_OPTIONS: OptionSpec = {
  'backup-schedule': { type: 'string' },
  'backup-dest': { type: 'string' },
  'backup-role': { type: 'string' },
  'backup-keep': { type: 'string' }
}

export const RELAY_BACKUP_HELP = [
  '--backup-schedule CRON --backup-dest DIR: back up this relay\'s records into DIR on a 5-field',
  'cron schedule in UTC ("0 2 * * *": 02:00 daily), a consistent view read while it runs, signed',
  'with the relay\'s key; --backup-role ROLE (default "backup" if the policy has it, else "admin");',
  '--backup-keep daily=7,weekly=4,monthly=12 forgets and prunes after each run (restic\'s rules).',
  'Environment: SLURP_BACKUP_SCHEDULE, SLURP_BACKUP_DEST, SLURP_BACKUP_ROLE, SLURP_BACKUP_KEEP.'
].join('\n')

/** The relay's scheduled backup from its flags or environment, logging each run; none without a schedule. */
export function scheduledBackupFrom (values: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>, log: Logger): { backup?: ScheduledBackupOptions } {
  const pick = (flag: string, name: string): string | undefined => {
    const value = (values[flag] as string | undefined) ?? env[name]
    return value === undefined || value === '' ? undefined : value
  }
  const cron = pick('backup-schedule', 'SLURP_BACKUP_SCHEDULE')
  const dest = pick('backup-dest', 'SLURP_BACKUP_DEST')
  const role = pick('backup-role', 'SLURP_BACKUP_ROLE')
  const keep = pick('backup-keep', 'SLURP_BACKUP_KEEP')
  if (cron === undefined) {
    if (dest !== undefined || role !== undefined || keep !== undefined) throw new UsageError('--backup-dest, --backup-role and --backup-keep go with --backup-schedule CRON')
    return {}
  }
  if (dest === undefined) throw new UsageError('--backup-schedule needs --backup-dest DIR (where the backups go)')
  return {
    backup: {
      cron,
      dest,
      ...(role === undefined ? {} : { role }),
      ...(keep === undefined ? {} : { keep: parseKeepList(keep) }),
      onResult: ({ snapshot, forgot }) => {
        const pruned = forgot === undefined ? '' : `; forgot ${forgot.removed.length} snapshot(s), pruned ${forgot.prunedBlobs} blob(s)`
        log.info(`backup ${snapshot.id}: ${snapshot.stats.keys} keys, ${snapshot.stats.versions} versions, ${snapshot.stats.newBlobs} new blobs (${snapshot.stats.newBytes} bytes) in ${dest}${pruned}`)
      },
      onError: error => { log.error(`backup into ${dest} failed: ${(error as Error).name}: ${(error as Error).message}`) }
    }
  }
}

/** "daily=7,weekly=4,monthly=12" (rules: last, hourly, daily, weekly, monthly, yearly). */
export function parseKeepList (text: string): RetentionPolicy {
  const policy: Partial<Record<RetentionRule, number>> = {}
  for (const part of text.split(',').map(item => item.trim()).filter(item => item !== '')) {
    const [rule, value, ...rest] = part.split('=')
    if (rest.length > 0 || value === undefined || !(RETENTION_RULES as readonly string[]).includes(rule ?? '')) {
      throw new UsageError(`--backup-keep takes rule=N pairs (${RETENTION_RULES.join(', ')}), e.g. daily=7,weekly=4; not "${part}"`)
    }
    policy[rule as RetentionRule] = parseKeep(value, `--backup-keep ${rule as string}`)
  }
  return policy
}
