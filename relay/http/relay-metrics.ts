import { createKeeperMetrics } from '../../src/metrics/keeper-metrics.ts'
import type { MetricsRegistry } from '../../src/metrics/registry.ts'
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
export function createRelayMetrics (registry: MetricsRegistry, relay: RelayLike): RelayMetrics {
  const keeperMetrics = createKeeperMetrics(registry)
  relay.keeper.metrics ??= keeperMetrics
  const held = registry.gauge({ name: 'slurp_records_held', help: 'Keys this relay holds records for.' })
  const peers = registry.gauge({ name: 'slurp_peers_connected', help: 'Peers with an open connection to this relay.' })
  const routing = registry.gauge({ name: 'slurp_dht_routing_table_size', help: 'Peers in the kad-dht routing table.' })
  const uptime = registry.gauge({ name: 'slurp_uptime_seconds', help: 'Seconds since the relay was created.' })
  return {
    async refresh (signal) {
      uptime.set(uptimeSeconds(relay))
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
    }
  }
}
