import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import { WriteAdmission } from '../../src/admission/write-admission.ts'
import type { RelayNode } from '../../src/relay.ts'
import { memberQuotaOf } from '../../src/trust/policy.ts'
import { createDiskGuard } from '../../relay/disk-guard.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { addressBlock } from '../../relay/http/rate-limit.ts'
import type { RelayLike } from '../../relay/http/relay-like.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import { startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { hashOf, sample, tamper, writeRecord } from './fixtures.ts'

// Issue 10 finding 9 at the HTTP gateway: nothing limited a client's request
// rate (a PUT with a bogus signature costs ~20 ms of CPU), a member's writes,
// or the disk. Now: 429 with Retry-After past a per-address rate, 429
// ERR_QUOTA_EXCEEDED past a member's policy quota while another member still
// writes, 507 ERR_STORAGE_FULL when the disk is nearly full. Clocks and free
// space are injected. On the code before the fix every request here was 200.
const MiB = 1024 * 1024
const network = await createTestNetwork({ writesPerMinute: 2 })
const alice = await createTestMember(network, ['backend_developer'])
const bob = await createTestMember(network, ['backend_developer'])
let relay: RelayNode
let now = 1_000_000
let free = 10 * 1024 * MiB

/** The relay as the app sees it, with the admission a RelayNode will carry (clock and disk injected). */
function withAdmission (node: RelayNode, admission: WriteAdmission): RelayLike {
  return {
    get keeper () { return node.keeper },
    get libp2p () { return node.libp2p },
    get running () { return node.running },
    get currentPolicy () { return node.currentPolicy },
    startedAt: node.startedAt,
    multiaddrs: () => node.multiaddrs(),
    admission
  }
}

function gatewayApp (): Hono {
  const admission = new WriteAdmission({
    quota: () => memberQuotaOf(relay.currentPolicy),
    storage: createDiskGuard({ path: '.', minFreeBytes: 100 * MiB, checkEveryMs: 5000, freeBytes: async () => free, now: () => now }),
    now: () => now
  })
  return createRelayApp({ relay: withAdmission(relay, admission), rateLimit: false })
}

async function put (app: Hono, key: string, bytes: Uint8Array): Promise<Response> {
  return await app.request(`/v1/records/${hashOf(key)}`, { method: 'PUT', body: new Uint8Array(bytes), headers: { 'content-type': 'application/octet-stream' } })
}

async function codeOf (response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code
}

beforeAll(async () => {
  ;[relay] = await startRelays(network, 1) as [RelayNode]
}, 60_000)

afterAll(async () => {
  await relay?.stop()
})

describe('gateway limits (issue 10 finding 9)', () => {
  it('a member past its quota gets 429 ERR_QUOTA_EXCEEDED with Retry-After, another member still writes, and it refills', async () => {
    const app = gatewayApp()
    const records = await Promise.all([1, 2, 3, 4].map(async i => await writeRecord(network, alice, `ucxl://a:backend_developer@quota:t/a${i}`, `a${i}`)))
    // A forged copy naming alice's certificate is refused and does not use up her quota.
    const forged = await put(app, records[0]!.key, tamper(records[0]!.bytes))
    expect(await codeOf(forged)).toBe('ERR_INVALID_SIGNATURE')
    expect((await put(app, records[0]!.key, records[0]!.bytes)).status).toBe(200)
    // The same record again is a duplicate: given back.
    expect(await (await put(app, records[0]!.key, records[0]!.bytes)).json()).toMatchObject({ outcome: 'duplicate' })
    expect((await put(app, records[1]!.key, records[1]!.bytes)).status).toBe(200)
    const refused = await put(app, records[2]!.key, records[2]!.bytes)
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('30')
    expect(await codeOf(refused)).toBe('ERR_QUOTA_EXCEEDED')
    expect(await relay.keeper.has(records[2]!.key)).toBe(false)
    const other = await writeRecord(network, bob, 'ucxl://b:backend_developer@quota:t/b1', 'b1')
    expect((await put(app, other.key, other.bytes)).status).toBe(200)
    // Two a minute: one more after 30 s.
    now += 30_000
    expect((await put(app, records[2]!.key, records[2]!.bytes)).status).toBe(200)
    expect((await put(app, records[3]!.key, records[3]!.bytes)).status).toBe(429)
    const metrics = await (await app.request('/metrics')).text()
    expect(sample(metrics, 'slurp_writes_refused_total', { reason: 'ERR_QUOTA_EXCEEDED' })).toBe(2)
    expect(sample(metrics, 'slurp_partial_frame_bytes')).toBe(0)
  })

  it('refuses writes with 507 ERR_STORAGE_FULL while free space is under the floor, and takes them again once there is room', async () => {
    const app = gatewayApp()
    const record = await writeRecord(network, bob, 'ucxl://b:backend_developer@disk:t/full', 'full')
    free = 50 * MiB
    now += 60_000
    const refused = await put(app, record.key, record.bytes)
    expect(refused.status).toBe(507)
    expect(await codeOf(refused)).toBe('ERR_STORAGE_FULL')
    free = 10 * 1024 * MiB
    // Asked again only after the check interval.
    expect((await put(app, record.key, record.bytes)).status).toBe(507)
    now += 5000
    expect((await put(app, record.key, record.bytes)).status).toBe(200)
  })

  it('answers 429 with Retry-After past the per-address rate, before any other work, and other addresses go on', async () => {
    let clock = 0
    const app = createRelayApp({
      relay,
      rateLimit: { requestsPerMinute: 60, burst: 3, now: () => clock, clientAddress: c => c.req.header('x-client') }
    })
    const from = async (client: string): Promise<Response> =>
      await app.request(`/v1/records/${'A'.repeat(43)}`, { method: 'PUT', body: new Uint8Array(100), headers: { 'x-client': client } })
    for (let i = 0; i < 3; i++) expect((await from('192.0.2.1')).status).toBe(400)
    const limited = await from('192.0.2.1')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('1')
    expect(await codeOf(limited)).toBe('ERR_RATE_LIMITED')
    expect((await from('192.0.2.2')).status).toBe(400)
    // IPv6 clients count by /64.
    for (let i = 0; i < 3; i++) expect((await from(`2001:db8:1:2::${i + 1}`)).status).toBe(400)
    expect((await from('2001:db8:1:2:ffff::9')).status).toBe(429)
    clock += 1000
    expect((await from('192.0.2.1')).status).toBe(400)
    expect(sample(await (await app.request('/metrics')).text(), 'slurp_gateway_rate_limited_total')).toBe(2)
    expect(addressBlock('::ffff:192.0.2.7')).toBe('192.0.2.7')
    expect(addressBlock('2001:DB8:0:0:1::1')).toBe('2001:db8:0:0::/64')
  })

  it('limits by the TCP peer address on a real server, with no header to spoof', async () => {
    const app = createRelayApp({ relay, rateLimit: { requestsPerMinute: 1, burst: 2 } })
    const server = await serveHttp(app, { hostname: '127.0.0.1', port: 0 })
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${server.url}/v1/records/${'B'.repeat(43)}`, { headers: { 'x-forwarded-for': `198.51.100.${i}` } })
        await response.arrayBuffer()
        statuses.push(response.status)
      }
      expect(statuses).toEqual([404, 404, 429])
      // The server named the client (127.0.0.1): a request it did not name is in another bucket.
      expect((await app.request(`/v1/records/${'B'.repeat(43)}`)).status).toBe(404)
    } finally {
      await server.close()
    }
  })
})
