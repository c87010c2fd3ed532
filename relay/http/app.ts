import { Hono } from 'hono'
import { WriteAdmission } from '../../src/admission/write-admission.ts'
import { MetricsRegistry } from '../metrics/registry.ts'
import { memberQuotaOf } from '../../src/trust/policy.ts'
import { registerAuditRoutes } from './audit.ts'
import { describeError, errorJson } from './error-response.ts'
import { registerBootstrapRoute } from './bootstrap.ts'
import { registerHealthRoutes } from './health.ts'
import { rateLimitByAddress } from './rate-limit.ts'
import type { RateLimitOptions } from './rate-limit.ts'
import { registerRecordRoutes } from './records.ts'
import { createRelayMetrics } from './relay-metrics.ts'
import type { RelayLike } from './relay-like.ts'
import { registerWebRoutes } from './web-assets.ts'
import type { WebAsset } from './web-assets.ts'

export interface RelayAppOptions {
  readonly relay: RelayLike
  /** Where the relay's metrics go; the process may add its own. A fresh registry by default. */
  readonly metrics?: MetricsRegistry
  /** The software version, shown by /status. */
  readonly version?: string
  /** k, shown by /status. Default 3. */
  readonly replicationFactor?: number
  /** Told about errors the API answers with a 500 (the answer itself carries no detail). */
  readonly onError?: (error: unknown) => void
  /** The built web app to serve at / (see loadWebAssets); none by default. */
  readonly web?: ReadonlyMap<string, WebAsset>
  /** The per-address limit on /v1/* (the gateway and bootstrap); on by default, false turns it off. */
  readonly rateLimit?: RateLimitOptions | false
}

/**
 * The relay's HTTP API as a hono app: /health, /status, /metrics, the
 * record gateway /v1/records/:key, /v1/bootstrap for browser tabs, and the
 * web app when given. It needs only a RelayNode-shaped object,
 * so it serves a relay process or a standalone gateway alike, on any runtime
 * (see serve.*.ts).
 */
export function createRelayApp (options: RelayAppOptions): Hono {
  const { relay } = options
  const registry = options.metrics ?? new MetricsRegistry()
  // One admission for the record protocol and the gateway: one quota per member at this relay.
  const admission = relay.admission ?? new WriteAdmission({ quota: () => memberQuotaOf(relay.currentPolicy) })
  const relayMetrics = createRelayMetrics(registry, relay, admission)
  const app = new Hono()

  registerHealthRoutes(app, relay, {
    replicationFactor: options.replicationFactor ?? 3,
    ...(options.version === undefined ? {} : { version: options.version })
  })

  app.get('/metrics', async c => {
    await relayMetrics.refresh()
    return c.body(await registry.render(), 200, { 'content-type': registry.contentType })
  })

  // Before any route: a client past its rate costs no more than this check.
  const rateLimit = options.rateLimit
  if (rateLimit !== false) {
    const limited = registry.counter({ name: 'slurp_gateway_rate_limited_total', help: 'Requests to /v1/* answered 429 for their client address\'s rate.' })
    app.use('/v1/*', rateLimitByAddress({ ...rateLimit, onLimited: () => { limited.inc(); rateLimit?.onLimited?.() } }))
  }
  registerRecordRoutes(app, relay, admission)
  registerBootstrapRoute(app, relay)
  registerAuditRoutes(app, relay)
  if (options.web !== undefined) registerWebRoutes(app, options.web)

  app.notFound(c => errorJson(c, 404, 'ERR_NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`))
  app.onError((error, c) => {
    const { status, code, message, retryAfterSeconds } = describeError(error)
    if (status >= 500 && status !== 507) options.onError?.(error)
    if (retryAfterSeconds !== undefined) c.header('retry-after', String(retryAfterSeconds))
    return errorJson(c, status, code, message)
  })
  return app
}
