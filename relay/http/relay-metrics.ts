import { createKeeperMetrics } from '../metrics/keeper-metrics.ts'
import { inboundLimitsOf } from '../../src/net/inbound-limits.ts'
import type { MetricsRegistry } from '../metrics/registry.ts'
import type { RelayLike } from './relay-like.ts'
import { routingTableSize, uptimeSeconds } from './relay-like.ts'

export interface RelayMetrics {
  /** Brings the gauges up to date; called just before each scrape renders. */
  refresh (signal?: AbortSignal): Promise<void>
}

/**
 * The relay's metrics in `registry`: the keeper's counters and histograms (its
 * hook is attached here unless the keeper was built with one) and gauges read
 * from the relay's current state.
 */
export function createRelayMetrics (registry: MetricsRegistry, relay: RelayLike, admission: RelayLike['admission'] = relay.admission): RelayMetrics {
  const keeperMetrics = createKeeperMetrics(registry)
  relay.keeper.metrics ??= keeperMetrics
  const held = registry.gauge({ name: 'slurp_records_held', help: 'Keys this relay holds records for.' })
  const peers = registry.gauge({ name: 'slurp_peers_connected', help: 'Peers with an open connection to this relay.' })
  const routing = registry.gauge({ name: 'slurp_dht_routing_table_size', help: 'Peers in the kad-dht routing table.' })
  const uptime = registry.gauge({ name: 'slurp_uptime_seconds', help: 'Seconds since the relay was created.' })
  // Replication reads as gauges of the manager's running totals: it counts, the scrape copies.
  const health = registry.gauge({ name: 'slurp_replication_records', help: 'Records held, by replica health at the last repair pass.', labelNames: ['health'] })
  const repairs = registry.gauge({ name: 'slurp_replication_repairs_total', help: 'Records copied to a relay that lacked them, and copies that failed.', labelNames: ['result'] })
  const moved = registry.gauge({ name: 'slurp_replication_bytes_moved_total', help: 'Envelope bytes sent or taken in by repair and anti-entropy.' })
  const rounds = registry.gauge({ name: 'slurp_replication_anti_entropy_rounds_total', help: 'Digest exchanges with other relays.' })
  const cleaned = registry.gauge({ name: 'slurp_replication_cleaned_up_total', help: 'Records dropped after their new closest relays confirmed them.' })
  // Issue 10 findings 2 and 9: what the relay refused to hold or take.
  const refused = registry.gauge({ name: 'slurp_writes_refused_total', help: 'First-hand writes refused before validation, by reason (ERR_QUOTA_EXCEEDED, ERR_STORAGE_FULL).', labelNames: ['reason'] })
  const partial = registry.gauge({ name: 'slurp_partial_frame_bytes', help: 'Bytes of unfinished request-channel frames and of requests not yet answered, held now, every stream together.' })
  const resets = registry.gauge({ name: 'slurp_partial_frame_resets_total', help: 'Inbound request-channel streams reset, by why (budget, deadline, tooLarge).', labelNames: ['reason'] })
  const busy = registry.gauge({ name: 'slurp_requests_refused_busy_total', help: 'Whole requests refused because the inbound byte budget had no room for them.' })
  // Issue 14 §2: the audit log's growth, and when its latest checkpoint was signed (stale: the log stopped).
  const auditEntries = registry.counter({ name: 'slurp_audit_entries_total', help: 'Entries committed to the audit log.' })
  const auditCheckpoint = registry.gauge({ name: 'slurp_audit_checkpoint_timestamp_seconds', help: 'Unix time of the latest signed audit checkpoint.' })
  let auditCounted = 0
  return {
    async refresh (signal) {
      for (const [reason, count] of Object.entries(admission?.refused ?? {})) refused.set({ reason }, count)
      uptime.set(uptimeSeconds(relay))
      if (relay.audit !== undefined) {
        auditEntries.inc(Math.max(0, relay.audit.log.size - auditCounted))
        auditCounted = Math.max(auditCounted, relay.audit.log.size)
        const signed = relay.audit.latest()?.checkpoint.time
        if (signed !== undefined) auditCheckpoint.set(signed / 1000)
      }
      // Before start (or after stop) the store is closed and the node absent:
      // the node gauges read zero and the record count keeps its last value.
      if (!relay.running) {
        peers.set(0)
        routing.set(0)
        return
      }
      held.set(await relay.keeper.count(signal === undefined ? {} : { signal }))
      peers.set(relay.libp2p.getPeers().length)
      routing.set(routingTableSize(relay))
      const { budget } = inboundLimitsOf(relay.libp2p)
      partial.set(budget.held)
      for (const [reason, count] of Object.entries(budget.resets)) resets.set({ reason }, count)
      busy.set(budget.busy)
      const summary = relay.replication?.summary()
      if (summary !== undefined) {
        for (const state of ['healthy', 'degraded', 'critical'] as const) health.set({ health: state }, summary[state])
        repairs.set({ result: 'done' }, summary.repairsDone)
        repairs.set({ result: 'failed' }, summary.repairsFailed)
        moved.set(summary.bytesMoved)
        rounds.set(summary.antiEntropyRounds)
        cleaned.set(summary.cleanedUp)
      }
    }
  }
}
