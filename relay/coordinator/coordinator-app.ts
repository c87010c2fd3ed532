import { Hono } from 'hono'
import type { CoordinatorStatus } from '../../src/coordinator/types.ts'
import { registerAuditRoutes } from '../http/audit.ts'
import type { AuditSource } from '../http/audit.ts'
import { describeError, errorJson } from '../http/error-response.ts'
import type { MetricsRegistry } from '../metrics/registry.ts'

export interface CoordinatorAppOptions {
  readonly status: () => CoordinatorStatus
  readonly metrics: MetricsRegistry
  /** The voter's own audit log (its elections and term changes), served at /v1/audit/* as a relay serves its own. */
  readonly audit?: NonNullable<AuditSource['audit']>
}

/**
 * A coordinator's HTTP API: `/health` (200 while a leader is known, 503 while
 * none is), `/status` (what `slurp leader` prints), Prometheus `/metrics`,
 * and, when it keeps its own audit log, `/v1/audit/checkpoint|entries|proof`
 * (relay/http/audit.ts: what `slurp audit tail|verify|prove` read).
 */
export function createCoordinatorApp (options: CoordinatorAppOptions): Hono {
  const app = new Hono()
  app.get('/health', c => {
    const status = options.status()
    return c.json({ ok: status.leader !== undefined, role: status.role, term: status.term, leader: status.leader ?? null }, status.leader === undefined ? 503 : 200)
  })
  app.get('/status', c => c.json(options.status()))
  app.get('/metrics', async c => c.body(await options.metrics.render(), 200, { 'content-type': options.metrics.contentType }))
  if (options.audit !== undefined) registerAuditRoutes(app, { audit: options.audit })
  // The relay's answers for errors: a malformed ?from= is a 400 with its code, not a bare 500.
  app.onError((error, c) => {
    const { status, code, message } = describeError(error)
    return errorJson(c, status, code, message)
  })
  return app
}
