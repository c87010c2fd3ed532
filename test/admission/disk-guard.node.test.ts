import { tmpdir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { StorageFullError } from '../../src/errors.ts'
import { createDiskGuard } from '../../relay/disk-guard.ts'

// Issue 10 finding 9: nothing guarded a relay's disk; a full disk failed the
// store midway. The guard refuses writes with StorageFullError under a floor,
// asks the file system at most every few seconds and counts what it admitted
// in between. Free space and the clock are injected.
const MiB = 1024 * 1024

describe('the disk guard (issue 10 finding 9)', () => {
  it('refuses under the floor, asks at most once per interval, and counts what it let through meanwhile', async () => {
    let free = 110 * MiB
    let now = 0
    let asked = 0
    const guard = createDiskGuard({ path: '/data', minFreeBytes: 100 * MiB, checkEveryMs: 5000, now: () => now, freeBytes: async () => { asked++; return free } })
    await guard.check(4 * MiB)
    await guard.check(4 * MiB)
    // 110 − 8 MiB admitted since the last look: another 4 MiB would go under the floor.
    await expect(guard.check(4 * MiB)).rejects.toThrow(StorageFullError)
    await expect(guard.check(4 * MiB)).rejects.toThrow(/nearly full \(102 MiB free, it keeps 100 MiB\)/)
    expect(asked).toBe(1)
    free = 500 * MiB
    now += 5000
    await guard.check(4 * MiB)
    expect(asked).toBe(2)
  })

  it('reads real free space with statfs, and does not refuse when the file system cannot say', async () => {
    await createDiskGuard({ path: tmpdir(), minFreeBytes: 1 }).check(1)
    await expect(createDiskGuard({ path: tmpdir(), minFreeBytes: Number.MAX_SAFE_INTEGER }).check(1)).rejects.toThrow(StorageFullError)
    await createDiskGuard({ path: '/data', freeBytes: async () => { throw new Error('statfs: not supported') } }).check(1)
  })
})
