import type { Hono } from 'hono'
import type { RelayLike } from './relay-like.ts'
import { routingTableSize, uptimeSeconds } from './relay-like.ts'

export interface StatusOptions {
  /** How many relays should hold each record (k), as configured for this relay. */
  readonly replicationFactor: number
  /** The software version, when the process knows it. */
  readonly version?: string
}

/**
 * `GET /health` (for load balancers: 200 once the node is up, 503 until then)
 * and `GET /status` (for people and dashboards).
 */
export function registerHealthRoutes (app: Hono, relay: RelayLike, options: StatusOptions): void {
  app.get('/health', c => {
    if (!relay.running) return c.json({ status: 'starting' }, 503)
    return c.json({
      status: 'ok',
      peerId: relay.libp2p.peerId.toString(),
      multiaddrs: relay.multiaddrs(),
      uptimeSeconds: uptimeSeconds(relay)
    })
  })

  app.get('/status', async c => {
    if (!relay.running) return c.json({ status: 'starting' }, 503)
    const node = relay.libp2p
    const records = await relay.keeper.count()
    const policy = relay.currentPolicy
    return c.json({
      status: 'ok',
      ...(options.version === undefined ? {} : { version: options.version }),
      peerId: node.peerId.toString(),
      multiaddrs: relay.multiaddrs(),
      uptimeSeconds: uptimeSeconds(relay),
      peers: node.getPeers().length,
      records,
      dht: { mode: node.services.dht.getMode(), routingTableSize: routingTableSize(relay) },
      policy: { network: policy.network, version: policy.version, maxRecordBytes: policy.limits.maxRecordBytes },
      replication: { factor: options.replicationFactor, recordsHeld: records, ...relay.replication?.summary() }
    })
  })
}
