import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { RelayNode } from '../../src/relay.ts'
import { MetricsRegistry } from '../../relay/metrics/registry.ts'
import { decodeSiblings } from '../../src/record/siblings.ts'
import { encodeEnvelope } from '../../src/record/envelope.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import type { RelayLike } from '../../relay/http/relay-like.ts'
import { routingTableSize } from '../../relay/http/relay-like.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { hashOf, observerRecord, sample, tamper, writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
const observer = await createTestMember(network, ['observer'])
const maxRecordBytes = network.policy.limits.maxRecordBytes
let relays: RelayNode[]
let app: Hono

beforeAll(async () => {
  relays = await startRelays(network, 3)
  // The last relay's dials and kad-dht's routing table finish in the background: the figures below count them.
  await eventually(() => {
    for (const relay of relays) {
      expect(relay.libp2p.getPeers().length).toBe(2)
      expect(routingTableSize(relay)).toBeGreaterThanOrEqual(2)
    }
  })
  app = createRelayApp({ relay: relays[0] as RelayNode, version: '9.9.9-test', replicationFactor: 3 })
}, 60_000)

afterAll(async () => {
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

async function put (key: string, bytes: Uint8Array): Promise<Response> {
  const body = new Uint8Array(bytes)
  return await app.request(`/v1/records/${encodeURIComponent(key)}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } })
}

async function errorOf (response: Response): Promise<{ code: string, message: string }> {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return ((await response.json()) as { error: { code: string, message: string } }).error
}

describe('relay HTTP app: health, status, metrics', () => {
  it('GET /health answers 200 with the peer id and multiaddrs', async () => {
    const response = await app.request('/health')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await response.json() as Record<string, unknown>
    const relay = relays[0] as RelayNode
    expect(body).toEqual({ status: 'ok', peerId: relay.libp2p.peerId.toString(), multiaddrs: relay.multiaddrs(), uptimeSeconds: expect.any(Number) })
    expect(body.multiaddrs).not.toHaveLength(0)
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0)
  })

  it('GET /health and /v1/records answer 503 until the relay has started', async () => {
    const idle = new RelayNode({ network: { rootPublicKey: network.root.publicKey, policy: network.policy }, store: createMemoryStore() })
    const idleApp = createRelayApp({ relay: idle })
    const health = await idleApp.request('/health')
    expect(health.status).toBe(503)
    expect(await health.json()).toEqual({ status: 'starting' })
    expect((await idleApp.request('/status')).status).toBe(503)
    const records = await idleApp.request(`/v1/records/${'A'.repeat(43)}`)
    expect(records.status).toBe(503)
    expect((await errorOf(records)).code).toBe('ERR_UNAVAILABLE')
    const metrics = await idleApp.request('/metrics')
    expect(metrics.status).toBe(200)
    expect(sample(await metrics.text(), 'slurp_peers_connected')).toBe(0)
  })

  it('GET /status reports peers, records, DHT mode and routing table, policy and replication', async () => {
    const record = await writeRecord(network, member, 'ucxl://project123/status/one', 'counted')
    await (relays[0] as RelayNode).keeper.put(record.key, record.bytes)
    const response = await app.request('/status')
    expect(response.status).toBe(200)
    const body = await response.json() as any
    const relay = relays[0] as RelayNode
    expect(body.peerId).toBe(relay.libp2p.peerId.toString())
    expect(body.version).toBe('9.9.9-test')
    expect(body.multiaddrs).toEqual(relay.multiaddrs())
    expect(body.peers).toBe(relay.libp2p.getPeers().length)
    expect(body.peers).toBeGreaterThanOrEqual(2)
    expect(body.records).toBe(await relay.keeper.count())
    expect(body.records).toBeGreaterThanOrEqual(1)
    expect(body.dht.mode).toBe('server')
    // The other two relays are DHT servers, so they enter the routing table
    // (kad-dht adds them in the background, after identify).
    await eventually(async () => {
      const status = await (await app.request('/status')).json() as any
      expect(status.dht.routingTableSize).toBeGreaterThanOrEqual(2)
    })
    expect(body.policy).toEqual({ network: network.policy.network, version: network.policy.version, maxRecordBytes })
    expect(body.replication).toMatchObject({ factor: 3, recordsHeld: body.records, healthy: expect.any(Number), degraded: expect.any(Number), critical: expect.any(Number), repairsDone: expect.any(Number) })
    expect(typeof body.uptimeSeconds).toBe('number')
  })

  it('GET /metrics is Prometheus text 0.0.4 with the relay gauges', async () => {
    const response = await app.request('/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const page = await response.text()
    const relay = relays[0] as RelayNode
    expect(sample(page, 'slurp_records_held')).toBe(await relay.keeper.count())
    expect(sample(page, 'slurp_peers_connected')).toBe(relay.libp2p.getPeers().length)
    expect(sample(page, 'slurp_dht_routing_table_size')).toBeGreaterThanOrEqual(1)
    expect(sample(page, 'slurp_uptime_seconds')).toBeGreaterThanOrEqual(0)
    await relay.replication.repair()
    const afterRepair = await (await app.request('/metrics')).text()
    const summary = relay.replication.summary()
    expect(sample(afterRepair, 'slurp_replication_records', { health: 'healthy' })).toBe(summary.healthy)
    expect(sample(afterRepair, 'slurp_replication_records', { health: 'degraded' })).toBe(summary.degraded)
    expect(sample(afterRepair, 'slurp_replication_repairs_total', { result: 'failed' })).toBe(summary.repairsFailed)
    expect(sample(afterRepair, 'slurp_replication_bytes_moved_total')).toBe(summary.bytesMoved)
    for (const name of ['slurp_record_puts_total', 'slurp_record_rejections_total', 'slurp_record_gets_total', 'slurp_record_bytes_in_total']) {
      expect(page).toContain(`# TYPE ${name} counter\n`)
    }
    for (const name of ['slurp_put_duration_seconds', 'slurp_get_duration_seconds', 'slurp_record_size_bytes']) {
      expect(page).toContain(`# TYPE ${name} histogram\n`)
    }
    for (const line of page.split('\n').filter(l => l !== '')) {
      expect(line).toMatch(/^(# (HELP|TYPE) [a-z_:]+ .+|[a-z_:]+(\{[^}]*\})? [-+0-9.eInfNa]+)$/)
    }
  })

  it('uses a registry it is given, so the process can add its own metrics', async () => {
    const registry = new MetricsRegistry()
    registry.counter({ name: 'process_extra_total', help: 'Something else.' }).inc()
    const shared = createRelayApp({ relay: relays[1] as RelayNode, metrics: registry })
    const page = await (await shared.request('/metrics')).text()
    expect(sample(page, 'process_extra_total')).toBe(1)
    expect(sample(page, 'slurp_records_held')).toBeDefined()
  })

  it('unknown routes are 404 JSON', async () => {
    const response = await app.request('/nope')
    expect(response.status).toBe(404)
    expect(await errorOf(response)).toEqual({ code: 'ERR_NOT_FOUND', message: 'no route for GET /nope' })
    expect((await app.request('/v1/records', { method: 'DELETE' })).status).toBe(404)
  })

  it('unexpected errors are 500 JSON without stack traces or details, and reported', async () => {
    const relay = relays[0] as RelayNode
    const reported: unknown[] = []
    const broken: RelayLike = {
      keeper: { ...relay.keeper, get: async () => { throw new Error('secret detail at /var/lib/slurp') } } as unknown as RelayNode['keeper'],
      libp2p: relay.libp2p,
      running: true,
      startedAt: relay.startedAt,
      currentPolicy: relay.currentPolicy,
      multiaddrs: () => relay.multiaddrs()
    }
    const brokenApp = createRelayApp({ relay: broken, onError: error => reported.push(error) })
    const response = await brokenApp.request(`/v1/records/${'A'.repeat(43)}`)
    expect(response.status).toBe(500)
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({ error: { code: 'ERR_INTERNAL', message: 'internal error' } })
    expect(text).not.toMatch(/secret|at |\.ts/)
    expect(reported).toHaveLength(1)
  })
})

describe('relay HTTP app: record gateway', () => {
  const address = 'ucxl://agent001:backend_developer@project123:task456/src/gateway.go'

  it('PUT stores through the keeper; GET returns the sibling set, by hash or by full key', async () => {
    const record = await writeRecord(network, member, address, 'stored over HTTP')
    const response = await put(hashOf(record.key), record.bytes)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ key: record.key, outcome: 'stored', siblings: 1 })
    expect(await (relays[0] as RelayNode).keeper.has(record.key)).toBe(true)
    expect(await (relays[1] as RelayNode).keeper.has(record.key)).toBe(false)

    for (const path of [hashOf(record.key), encodeURIComponent(record.key)]) {
      const got = await app.request(`/v1/records/${path}`)
      expect(got.status).toBe(200)
      expect(got.headers.get('content-type')).toBe('application/octet-stream')
      expect(got.headers.get('x-slurp-siblings')).toBe('1')
      const siblings = decodeSiblings(new Uint8Array(await got.arrayBuffer()))
      expect(siblings.map(encodeEnvelope)).toEqual([record.bytes])
    }
    const again = await put(record.key, record.bytes)
    expect(await again.json()).toEqual({ key: record.key, outcome: 'duplicate', siblings: 1 })
  })

  it('GET of a key nothing is held for is 404 ERR_NOT_FOUND', async () => {
    const response = await app.request(`/v1/records/${'B'.repeat(43)}`)
    expect(response.status).toBe(404)
    expect((await errorOf(response)).code).toBe('ERR_NOT_FOUND')
  })

  it('malformed keys are 400 ERR_INVALID_ADDRESS on GET and PUT', async () => {
    const record = await writeRecord(network, member, address, 'x')
    for (const bad of ['short', 'A'.repeat(44), '%2Fslurp%2Fucxl%2Fshort', '%2Fother%2F' + 'A'.repeat(43), 'A'.repeat(42) + '%21']) {
      const got = await app.request(`/v1/records/${bad}`)
      expect(got.status, bad).toBe(400)
      expect((await errorOf(got)).code).toBe('ERR_INVALID_ADDRESS')
      const putResponse = await app.request(`/v1/records/${bad}`, { method: 'PUT', body: new Uint8Array(record.bytes) })
      expect(putResponse.status, bad).toBe(400)
      expect((await errorOf(putResponse)).code).toBe('ERR_INVALID_ADDRESS')
    }
  })

  it('a record signed for another key is 400 ERR_INVALID_RECORD', async () => {
    const record = await writeRecord(network, member, address, 'x')
    const response = await put('C'.repeat(43), record.bytes)
    expect(response.status).toBe(400)
    const error = await errorOf(response)
    expect(error.code).toBe('ERR_INVALID_RECORD')
    expect(error.message).toMatch(/key binding/)
  })

  it('a tampered record is 400 ERR_INVALID_SIGNATURE', async () => {
    const record = await writeRecord(network, member, 'ucxl://project123/tampered', 'x')
    const response = await put(record.key, tamper(record.bytes))
    expect(response.status).toBe(400)
    expect((await errorOf(response)).code).toBe('ERR_INVALID_SIGNATURE')
    expect(await (relays[0] as RelayNode).keeper.has(record.key)).toBe(false)
  })

  it('a read_only author is 400 ERR_WRITE_NOT_ALLOWED', async () => {
    const record = await observerRecord(observer, 'ucxl://project123/observed')
    const response = await put(record.key, record.bytes)
    expect(response.status).toBe(400)
    expect((await errorOf(response)).code).toBe('ERR_WRITE_NOT_ALLOWED')
  })

  it('replaying a dominated version is 409 ERR_STALE_RECORD and keeps the newer one', async () => {
    const stale = 'ucxl://project123/versions/stale'
    const v1 = await writeRecord(network, member, stale, 'v1')
    const v2 = await writeRecord(network, member, stale, 'v2', v1.envelope.clock)
    expect((await (await put(v1.key, v1.bytes)).json()).outcome).toBe('stored')
    expect((await (await put(v2.key, v2.bytes)).json()).outcome).toBe('replaced')
    const replay = await put(v1.key, v1.bytes)
    expect(replay.status).toBe(409)
    expect((await errorOf(replay)).code).toBe('ERR_STALE_RECORD')
    const held = await (relays[0] as RelayNode).keeper.get(v1.key)
    expect(held).toEqual([v2.bytes])
  })

  it('a record over the policy limit is 413 ERR_RECORD_TOO_LARGE (from the keeper)', async () => {
    const response = await put('D'.repeat(43), new Uint8Array(maxRecordBytes + 1))
    expect(response.status).toBe(413)
    const error = await errorOf(response)
    expect(error.code).toBe('ERR_RECORD_TOO_LARGE')
    expect(error.message).toMatch(/network allows/)
  })

  it('a body far over the limit is 413 from its Content-Length, before any of it is read', async () => {
    let pulled = 0
    const chunks = 128
    const body = new ReadableStream<Uint8Array>({
      pull (controller) {
        if (++pulled > chunks) controller.close()
        else controller.enqueue(new Uint8Array(64 * 1024))
      }
    })
    const declared = String(chunks * 64 * 1024)
    const response = await app.request(`/v1/records/${'E'.repeat(43)}`, { method: 'PUT', body, headers: { 'content-length': declared }, duplex: 'half' } as RequestInit)
    expect(response.status).toBe(413)
    expect((await errorOf(response)).message).toMatch(/limited to/)
    // A ReadableStream may be pulled once to fill its queue, never more.
    expect(pulled).toBeLessThanOrEqual(1)
    await body.cancel().catch(() => {})
  })

  it('a streamed body without Content-Length is cut off at the limit, not read to its end', async () => {
    let pulled = 0
    const chunks = 100
    const body = new ReadableStream<Uint8Array>({
      pull (controller) {
        if (++pulled > chunks) controller.close()
        else controller.enqueue(new Uint8Array(64 * 1024))
      }
    })
    const response = await app.request(`/v1/records/${'F'.repeat(43)}`, { method: 'PUT', body, duplex: 'half' } as RequestInit)
    expect(response.status).toBe(413)
    expect((await errorOf(response)).code).toBe('ERR_RECORD_TOO_LARGE')
    expect(pulled).toBeLessThan(chunks / 2)
    await body.cancel().catch(() => {})
  })

  it('the metrics move with the calls: puts by outcome, rejections by reason, gets, latency', async () => {
    const before = await (await app.request('/metrics')).text()
    const at = (page: string, name: string, labels: Record<string, string> = {}): number => sample(page, name, labels) ?? 0
    const moving = 'ucxl://project123/metrics/moving'
    const v1 = await writeRecord(network, member, moving, 'v1')
    const v2 = await writeRecord(network, member, moving, 'v2', v1.envelope.clock)
    await put(v1.key, v1.bytes)
    await put(v2.key, v2.bytes)
    await put(v1.key, v1.bytes)
    await put(v1.key, tamper(v2.bytes))
    const readOnly = await observerRecord(observer, moving)
    await put(readOnly.key, readOnly.bytes)
    await put(v1.key, new Uint8Array(maxRecordBytes + 1))
    await app.request(`/v1/records/${hashOf(v1.key)}`)
    const after = await (await app.request('/metrics')).text()
    const delta = (name: string, labels: Record<string, string> = {}): number => at(after, name, labels) - at(before, name, labels)
    expect(delta('slurp_record_puts_total', { outcome: 'stored' })).toBe(1)
    expect(delta('slurp_record_puts_total', { outcome: 'replaced' })).toBe(1)
    expect(delta('slurp_record_puts_total', { outcome: 'rejected' })).toBe(4)
    expect(delta('slurp_record_rejections_total', { reason: 'ERR_STALE_RECORD' })).toBe(1)
    expect(delta('slurp_record_rejections_total', { reason: 'ERR_INVALID_SIGNATURE' })).toBe(1)
    expect(delta('slurp_record_rejections_total', { reason: 'ERR_WRITE_NOT_ALLOWED' })).toBe(1)
    expect(delta('slurp_record_rejections_total', { reason: 'ERR_RECORD_TOO_LARGE' })).toBe(1)
    expect(delta('slurp_record_gets_total')).toBe(1)
    expect(delta('slurp_record_bytes_in_total')).toBe(2 * v1.bytes.length + 2 * v2.bytes.length + readOnly.bytes.length + maxRecordBytes + 1)
    expect(delta('slurp_put_duration_seconds_count')).toBe(6)
    expect(delta('slurp_put_duration_seconds_bucket', { le: '+Inf' })).toBe(6)
    expect(delta('slurp_get_duration_seconds_count')).toBe(1)
    expect(delta('slurp_records_held')).toBe(1)
    expect(at(after, 'slurp_put_duration_seconds_sum')).toBeGreaterThan(at(before, 'slurp_put_duration_seconds_sum'))
  })
})
