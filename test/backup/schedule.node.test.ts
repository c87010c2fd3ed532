import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { parseKeepList, scheduledBackupFrom } from '../../relay/backup/relay-options.ts'
import { scheduleBackups } from '../../relay/backup/schedule.ts'
import type { Logger } from '../../relay/log.ts'

const silent = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, enabled: () => false } as unknown as Logger

describe('backup schedule', () => {
  it('reads cron patterns in UTC: "0 2 * * *" is next due at 02:00 UTC, within a day', () => {
    const schedule = scheduleBackups({ cron: '0 2 * * *', run: async () => {}, onError: () => {} })
    try {
      const next = schedule.nextRun() as Date
      expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([2, 0, 0])
      expect(next.getTime() - Date.now()).toBeGreaterThan(0)
      expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000)
    } finally {
      schedule.stop()
    }
    expect(schedule.nextRun()).toBeUndefined()
  })

  it('refuses what is not a 5-field cron pattern', () => {
    for (const cron of ['0 0 2 * * *', 'every night', '61 2 * * *', '']) {
      expect(() => scheduleBackups({ cron, run: async () => {}, onError: () => {} })).toThrow(UsageError)
    }
  })

  it('runs one backup at a time: a trigger while one runs is skipped, and a failed run is reported', async () => {
    let runs = 0
    let finish!: () => void
    const errors: unknown[] = []
    const schedule = scheduleBackups({
      cron: '0 2 * * *',
      run: async () => {
        runs++
        if (runs === 2) throw new Error('disk gone')
        await new Promise<void>(resolve => { finish = resolve })
      },
      onError: error => { errors.push(error) }
    })
    try {
      const first = schedule.trigger()
      await schedule.trigger()
      expect(runs).toBe(1)
      finish()
      await first
      await schedule.idle()
      await schedule.trigger()
      expect(runs).toBe(2)
      expect(errors).toEqual([new Error('disk gone')])
    } finally {
      schedule.stop()
    }
  })

  it('takes its settings from flags or the environment', () => {
    expect(parseKeepList('daily=7, weekly=4,monthly=12')).toEqual({ daily: 7, weekly: 4, monthly: 12 })
    expect(() => parseKeepList('days=7')).toThrow(/rule=N pairs/)
    expect(scheduledBackupFrom({}, {}, silent)).toEqual({})
    expect(scheduledBackupFrom({ 'backup-schedule': '0 2 * * *' }, { SLURP_BACKUP_DEST: '/backups', SLURP_BACKUP_KEEP: 'last=3' }, silent).backup).toMatchObject({ cron: '0 2 * * *', dest: '/backups', keep: { last: 3 } })
    expect(() => scheduledBackupFrom({ 'backup-schedule': '0 2 * * *' }, {}, silent)).toThrow(/needs --backup-dest/)
    expect(() => scheduledBackupFrom({ 'backup-dest': '/backups' }, {}, silent)).toThrow(/go with --backup-schedule/)
  })
})
