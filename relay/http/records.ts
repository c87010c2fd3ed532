import type { Context, Hono, Next } from 'hono'
import type { WriteAdmission } from '../../src/admission/write-admission.ts'
import { bodyLimit } from 'hono/body-limit'
import { parseRecordKey } from '../../src/gateway/record-key.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import { encodeSiblings } from '../../src/record/siblings.ts'
import { errorJson } from './error-response.ts'
import type { RelayLike } from './relay-like.ts'
import { putWithHistory } from '../../src/keeper/put-with-history.ts'

/** Room above the policy's record limit, so a record slightly over it still reaches the keeper and gets its precise error. */
export const BODY_SLACK_BYTES = 1024

/**
 * The record gateway: the same keeper, and so the same validation and version
 * order, as the DHT record protocol, for clients that cannot run libp2p.
 * `:key` is a DHT key's 43-char hash part or the whole key URL-encoded.
 *
 * The request's own AbortSignal is not passed down: keeper calls are short and
 * a validated write should finish even if its client hangs up, and Deno fires
 * that signal after every successful response too (warning on first use).
 */
export function registerRecordRoutes (app: Hono, relay: RelayLike, admission: Pick<WriteAdmission, 'admit'>): void {
  app.use('/v1/records/*', async (c, next) => {
    if (!relay.running) return errorJson(c, 503, 'ERR_UNAVAILABLE', 'the relay is starting')
    await next()
  })

  app.get('/v1/records/:key', async c => {
    const key = parseRecordKey(c.req.param('key'))
    const records = await relay.keeper.get(key)
    if (records.length === 0) return errorJson(c, 404, 'ERR_NOT_FOUND', `no record is held for ${key}`)
    // The relay's storage format, so a client decodes it with decodeSiblings.
    const body = encodeSiblings(records.map(decodeEnvelope))
    return c.body(body.slice().buffer, 200, {
      'content-type': 'application/octet-stream',
      'x-slurp-siblings': String(records.length)
    })
  })

  app.put('/v1/records/:key', limitBody(relay), async c => {
    const key = parseRecordKey(c.req.param('key') ?? '')
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    // Cheap checks first (free space, that it is a record, its member's
    // quota), then the keeper's validation with its signature checks.
    const history = relay.replication?.fetchKey === undefined ? undefined : relay.replication.fetchKey.bind(relay.replication)
    const { outcome, siblings } = await admission.admit(bytes, async () => await putWithHistory(relay.keeper, key, bytes, {}, history))
    return c.json({ key, outcome, siblings })
  })
}

/**
 * Refuses bodies over the policy's limit (plus slack) with a 413: from the
 * Content-Length header before reading anything, or while streaming a body
 * sent without one. The limit is read per request, as the policy can change.
 */
function limitBody (relay: RelayLike) {
  return async (c: Context, next: Next) => {
    const maxSize = relay.currentPolicy.limits.maxRecordBytes + BODY_SLACK_BYTES
    const onError = (c: Context) => {
      // The unread rest of the body is still on the connection: closing it
      // keeps a client from sending its next request into that.
      c.header('connection', 'close')
      return errorJson(c, 413, 'ERR_RECORD_TOO_LARGE', `record bodies are limited to ${maxSize} bytes`)
    }
    return await bodyLimit({ maxSize, onError })(c, next)
  }
}
