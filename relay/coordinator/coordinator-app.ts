import { Hono } from 'hono'
import type { CoordinatorStatus } from '../../src/coordinator/types.ts'
import type { MetricsRegistry } from '../metrics/registry.ts'

/**
 * A coordinator's HTTP API: `/health` (200 while a leader is known, 503 while
 * none is), `/status` (what `slurp leader` prints) and Prometheus `/metrics`.
 */
export function createCoordinatorApp (options: { status: () => CoordinatorStatus, metrics: MetricsRegistry }): Hono {
  const app = new Hono()
  app.get('/health', c => {
    const status = options.status()
    return c.json({ ok: status.leader !== undefined, role: status.role, term: status.term, leader: status.leader ?? null }, status.leader === undefined ? 503 : 200)
  })
  app.get('/status', c => c.json(options.status()))
  app.get('/metrics', async c => c.body(await options.metrics.render(), 200, { 'content-type': options.metrics.contentType }))
  return app
}
