import * as fs from 'node:fs/promises'
import type { StorageGuard } from '../src/admission/storage-guard.ts'
import { StorageFullError, throwIfAborted } from '../src/errors.ts'

/** A relay stops taking records when less than this is free under its data directory, by default. */
export const DEFAULT_MIN_FREE_BYTES = 256 * 1024 * 1024
/** Free space is asked of the file system at most this often, by default. */
export const DEFAULT_DISK_CHECK_MS = 5000

export interface DiskGuardInit {
  /** The relay's data directory: the file system it is on is the one watched. */
  readonly path: string
  /** Default 256 MiB. */
  readonly minFreeBytes?: number
  /** Default 5 s. */
  readonly checkEveryMs?: number
  /** Bytes free for the relay at `path`; statfs by default, injectable for tests. */
  readonly freeBytes?: (path: string) => Promise<number>
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number
}

export interface DiskGuard extends StorageGuard {
  /**
   * What the guard goes by, for metrics: bytes free (undefined when the file
   * system cannot say) and the floor. Asks the file system again when the
   * last answer is older than `checkEveryMs`.
   */
  space (signal?: AbortSignal): Promise<{ freeBytes: number | undefined, minFreeBytes: number }>
}

/**
 * The free-space guard of a Node relay (issue 10 finding 9): writes are
 * refused with StorageFullError while the disk holding the data directory has
 * less than `minFreeBytes` free, so the relay says so instead of its store
 * failing midway (LevelDB on a full disk cannot even compact). The file system
 * is asked at most every few seconds; in between, what was admitted since is
 * taken off the last figure, so a burst cannot run past the floor unseen.
 */
export function createDiskGuard (init: DiskGuardInit): DiskGuard {
  const minFree = init.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES
  const every = init.checkEveryMs ?? DEFAULT_DISK_CHECK_MS
  const now = init.now ?? Date.now
  const freeBytes = init.freeBytes ?? statfsFree
  let free: number | undefined
  let checkedAt = -Infinity
  let asking: Promise<void> | undefined
  const refresh = async (): Promise<void> => {
    asking ??= freeBytes(init.path).then(bytes => { free = bytes }, () => {
      // A file system that cannot say (statfs unsupported) is not a full one.
      free = undefined
    }).finally(() => {
      checkedAt = now()
      asking = undefined
    })
    await asking
  }
  return {
    async check (bytes, signal) {
      throwIfAborted(signal)
      if (now() - checkedAt >= every) await refresh()
      if (free === undefined) return
      if (free - bytes < minFree) {
        throw new StorageFullError(`the relay's disk is nearly full (${mib(free)} MiB free, it keeps ${mib(minFree)} MiB): it takes no more records`)
      }
      free -= bytes
    },
    async space (signal) {
      throwIfAborted(signal)
      if (now() - checkedAt >= every) await refresh()
      return { freeBytes: free, minFreeBytes: minFree }
    }
  }
}

async function statfsFree (path: string): Promise<number> {
  // Looked up, not imported by name: a runtime without statfs still loads the relay (and guards nothing).
  const statfs = (fs as Partial<typeof fs>).statfs
  if (statfs === undefined) throw new Error('statfs is not available on this runtime')
  const stats = await statfs(path)
  // What an unprivileged process may use, not what root still could.
  return Number(stats.bavail) * Number(stats.bsize)
}

function mib (bytes: number): string {
  return (Math.max(0, bytes) / (1024 * 1024)).toFixed(0)
}
