import type { KeeperMetrics } from '../../src/keeper/record-keeper.ts'
import type { MetricsRegistry } from './registry.ts'

/** Seconds: a memory-store put takes ~1 ms (signature checks), a LevelDB one a few more. */
export const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
/** Bytes: from a one-line note up to the default 1 MiB record limit. */
export const SIZE_BUCKETS = [512, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576]

/**
 * The record keeper's hook (the narrow interface the core reports through),
 * feeding a registry: puts by outcome, rejections by error code, gets, bytes
 * offered, and put/get latency and record size histograms. Calling it twice
 * on one registry shares the same metrics.
 */
export function createKeeperMetrics (registry: MetricsRegistry): KeeperMetrics {
  const puts = registry.counter({
    name: 'slurp_record_puts_total',
    help: 'Record writes handled, by outcome (stored, replaced, sibling, duplicate, rejected).',
    labelNames: ['outcome']
  })
  const rejections = registry.counter({
    name: 'slurp_record_rejections_total',
    help: 'Record writes rejected, by error code.',
    labelNames: ['reason']
  })
  const gets = registry.counter({ name: 'slurp_record_gets_total', help: 'Record reads answered.' })
  const bytesIn = registry.counter({ name: 'slurp_record_bytes_in_total', help: 'Bytes of records offered for writing, accepted or not.' })
  const putDuration = registry.histogram({ name: 'slurp_put_duration_seconds', help: 'Time to validate and store one record.', buckets: DURATION_BUCKETS })
  const getDuration = registry.histogram({ name: 'slurp_get_duration_seconds', help: 'Time to read one key\'s versions.', buckets: DURATION_BUCKETS })
  const sizes = registry.histogram({ name: 'slurp_record_size_bytes', help: 'Size of records offered for writing.', buckets: SIZE_BUCKETS })
  return {
    put ({ seconds, bytes, outcome, code }) {
      puts.inc({ outcome })
      if (outcome === 'rejected') rejections.inc({ reason: code ?? 'ERR_INTERNAL' })
      bytesIn.inc(bytes)
      putDuration.observe(seconds)
      sizes.observe(bytes)
    },
    get ({ seconds }) {
      gets.inc()
      getDuration.observe(seconds)
    }
  }
}
