import type { DiskGuard } from '../disk-guard.ts'
import { MetricsRegistry } from './registry.ts'

export interface ProcessMetricsInit {
  /** The relay's free-space guard: its figures become slurp_disk_free_bytes and slurp_disk_min_free_bytes. */
  readonly disk?: Pick<DiskGuard, 'space'>
}

/**
 * The registry of a relay process (`slurp relay`): the runtime's own metrics
 * (CPU, memory, file descriptors, event-loop lag) and the disk the relay
 * writes to, beside what the HTTP app adds for the relay itself. Made once
 * per process, since the runtime metrics watch the whole process.
 */
export function createProcessMetrics (init: ProcessMetricsInit = {}): MetricsRegistry {
  const registry = new MetricsRegistry()
  registry.collectRuntimeMetrics()
  const { disk } = init
  if (disk !== undefined) {
    const free = registry.gauge({ name: 'slurp_disk_free_bytes', help: 'Bytes free for the relay on the file system holding its data directory (NaN when the runtime cannot say).' })
    const floor = registry.gauge({ name: 'slurp_disk_min_free_bytes', help: 'The free space below which the relay refuses writes with ERR_STORAGE_FULL (--min-free).' })
    registry.onScrape(async signal => {
      const { freeBytes, minFreeBytes } = await disk.space(signal)
      // NaN, not 0: an unknown figure must not read as a full disk (and trip the alert).
      free.set(freeBytes ?? Number.NaN)
      floor.set(minFreeBytes)
    })
  }
  return registry
}
