import type { Hono } from 'hono'
import { checkpointToJson, witnessedToJson } from '../../src/audit/checkpoint.ts'
import { decodeEntry } from '../../src/audit/entry.ts'
import { MAX_ENTRIES_PER_READ } from '../../src/audit/log.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { UsageError } from '../../src/errors.ts'
import { errorJson } from './error-response.ts'
import type { RelayLike } from './relay-like.ts'

/** What the audit routes need of a relay: its audit log, when it keeps one (a standalone gateway does not). */
export type AuditSource = Pick<RelayLike, 'audit'>

/**
 * The relay's (or a standalone coordinator's) audit log over HTTP (issue 14 §2), public like the log itself:
 * entries name DHT keys, peer ids, codes and Raft terms, never addresses or content.
 *   GET /v1/audit/checkpoint           latest signed checkpoint, its cosignatures, the newest witnessed one
 *   GET /v1/audit/entries?from&limit   entries with their canonical bytes (what the leaf hashes cover)
 *   GET /v1/audit/proof?from&to        consistency proof between two sizes
 *   GET /v1/audit/proof?index&size     inclusion proof of one entry
 *   GET /v1/audit/witness              the checkpoints this relay holds for other relays, and split views seen
 */
export function registerAuditRoutes (app: Hono, relay: AuditSource): void {
  app.use('/v1/audit/*', async (c, next) => {
    if (relay.audit === undefined) return errorJson(c, 404, 'ERR_NOT_FOUND', 'this server keeps no audit log')
    await next()
  })

  app.get('/v1/audit/checkpoint', c => {
    const audit = relay.audit as NonNullable<AuditSource['audit']>
    const latest = audit.latest()
    if (latest === undefined) return errorJson(c, 404, 'ERR_NOT_FOUND', 'no checkpoint is signed yet')
    const witnessed = audit.latestWitnessed()
    return c.json({ ...witnessedToJson(latest), witnessed: witnessed === undefined ? null : witnessedToJson(witnessed), size: audit.log.size })
  })

  app.get('/v1/audit/entries', async c => {
    const audit = relay.audit as NonNullable<AuditSource['audit']>
    const from = count(c.req.query('from'), 'from', 0)
    const limit = Math.min(count(c.req.query('limit'), 'limit', 100), MAX_ENTRIES_PER_READ)
    const entries = await audit.log.entries(from, limit)
    return c.json({
      size: audit.log.size,
      from,
      entries: entries.map(({ index, data }) => ({ index, data: toBase64url(data), entry: decodeEntry(data) }))
    })
  })

  app.get('/v1/audit/proof', async c => {
    const audit = relay.audit as NonNullable<AuditSource['audit']>
    const index = c.req.query('index')
    if (index !== undefined) {
      const at = count(index, 'index')
      const size = count(c.req.query('size'), 'size', audit.log.size)
      return c.json({ index: at, size, proof: (await audit.log.inclusionProof(at, size)).map(toBase64url) })
    }
    const from = count(c.req.query('from'), 'from')
    const to = count(c.req.query('to'), 'to', audit.log.size)
    return c.json({ from, to, proof: (await audit.log.consistencyProof(from, to)).map(toBase64url) })
  })

  app.get('/v1/audit/witness', async c => {
    const witness = (relay.audit as NonNullable<AuditSource['audit']>).witness
    if (witness === undefined) return c.json({ witness: null, logs: [], splitViews: [] })
    return c.json({
      witness: witness.id,
      logs: (await witness.all()).map(checkpointToJson),
      splitViews: witness.splitViews.map(report => ({ log: report.log, time: report.time, held: checkpointToJson(report.held), offered: checkpointToJson(report.offered) }))
    })
  })
}

function count (value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw new UsageError(`${name} must be a non-negative integer`)
  return Number(value)
}
