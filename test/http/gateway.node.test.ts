import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  AbortError, InvalidAddressError, InvalidRecordError, InvalidSignatureError, NetworkError, NotFoundError,
  RecordTooLargeError, StaleRecordError, WriteNotAllowedError
} from '../../src/errors.ts'
import { getRecordsViaGateway, putRecordViaGateway } from '../../src/gateway/client.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { hashOf, observerRecord, sample, tamper, writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
const observer = await createTestMember(network, ['observer'])
const maxRecordBytes = network.policy.limits.maxRecordBytes
let relays: RelayNode[]
let reader: SlurpPeer
let server: HttpServer

beforeAll(async () => {
  relays = await startRelays(network, 3)
  server = await serveHttp(createRelayApp({ relay: relays[0] as RelayNode }), { hostname: '127.0.0.1', port: 0 })
  reader = await startPeer(network, relays, ['senior_architect'])
}, 60_000)

afterAll(async () => {
  await server?.close()
  await reader?.stop()
  await Promise.all((relays ?? []).map(async r => await r.stop()))
})

describe('record gateway over a real HTTP server (serve.node.ts) with the fetch client', () => {
  it('listens on the free port it picked and reports it', async () => {
    expect(server.port).toBeGreaterThan(0)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    const health = await fetch(`${server.url}/health`)
    expect(health.status).toBe(200)
    expect((await health.json() as { peerId: string }).peerId).toBe((relays[0] as RelayNode).libp2p.peerId.toString())
    const metrics = await fetch(`${server.url}/metrics`)
    expect(metrics.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  })

  it('a PUT round trip: stored on the relay, read back as the same envelope, read by a libp2p peer', async () => {
    const address = 'ucxl://agent001:backend_developer@project123:task456/src/http.go'
    const record = await writeRecord(network, member, address, 'written through the gateway')
    expect(await putRecordViaGateway(server.url, record.key, record.bytes)).toEqual({ outcome: 'stored', siblings: 1 })
    expect(await (relays[0] as RelayNode).keeper.has(record.key)).toBe(true)
    expect(await getRecordsViaGateway(server.url, record.key)).toEqual([record.bytes])
    expect(await getRecordsViaGateway(`${server.url}/`, hashOf(record.key))).toEqual([record.bytes])
    expect(await putRecordViaGateway(server.url, hashOf(record.key), record.bytes)).toEqual({ outcome: 'duplicate', siblings: 1 })

    const got = await reader.get(address)
    expect(got.item.summary).toBe('written through the gateway')
    expect(got.meta.replicas).toBe(1)
  })

  it('rejections come back as the named errors', async () => {
    const address = 'ucxl://project123/gateway/rejections'
    const v1 = await writeRecord(network, member, address, 'v1')
    const v2 = await writeRecord(network, member, address, 'v2', v1.envelope.clock)
    await putRecordViaGateway(server.url, v1.key, v1.bytes)
    expect((await putRecordViaGateway(server.url, v2.key, v2.bytes)).outcome).toBe('replaced')
    await expect(putRecordViaGateway(server.url, v1.key, v1.bytes)).rejects.toThrow(StaleRecordError)
    await expect(putRecordViaGateway(server.url, v1.key, tamper(v2.bytes))).rejects.toThrow(InvalidSignatureError)
    const readOnly = await observerRecord(observer, address)
    await expect(putRecordViaGateway(server.url, readOnly.key, readOnly.bytes)).rejects.toThrow(WriteNotAllowedError)
    await expect(putRecordViaGateway(server.url, 'G'.repeat(43), v1.bytes)).rejects.toThrow(InvalidRecordError)
    await expect(putRecordViaGateway(server.url, v1.key, new Uint8Array(maxRecordBytes + 1))).rejects.toThrow(RecordTooLargeError)
    await expect(getRecordsViaGateway(server.url, 'H'.repeat(43))).rejects.toThrow(NotFoundError)
    expect(await getRecordsViaGateway(server.url, v1.key)).toEqual([v2.bytes])
  })

  it('a body far over the limit is refused with 413 before it is stored or read', async () => {
    const huge = new Uint8Array(maxRecordBytes * 4)
    const before = sample(await (await fetch(`${server.url}/metrics`)).text(), 'slurp_record_bytes_in_total') ?? 0
    await expect(putRecordViaGateway(server.url, 'I'.repeat(43), huge)).rejects.toThrow(RecordTooLargeError)
    const response = await fetch(`${server.url}/v1/records/${'I'.repeat(43)}`, { method: 'PUT', body: huge })
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: { code: 'ERR_RECORD_TOO_LARGE', message: `record bodies are limited to ${maxRecordBytes + 1024} bytes` } })
    // It never reached the keeper.
    const after = sample(await (await fetch(`${server.url}/metrics`)).text(), 'slurp_record_bytes_in_total') ?? 0
    expect(after).toBe(before)
  })

  it('malformed keys: refused by the client before sending, and 400 from the server', async () => {
    await expect(putRecordViaGateway(server.url, '/slurp/ucxl/short', new Uint8Array(1))).rejects.toThrow(InvalidAddressError)
    await expect(getRecordsViaGateway(server.url, 'not a key')).rejects.toThrow(InvalidAddressError)
    const response = await fetch(`${server.url}/v1/records/short`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('ERR_INVALID_ADDRESS')
  })

  it('an aborted call is AbortError; an unreachable gateway is NetworkError', async () => {
    const record = await writeRecord(network, member, 'ucxl://project123/gateway/abort', 'x')
    await expect(putRecordViaGateway(server.url, record.key, record.bytes, { signal: AbortSignal.abort() })).rejects.toThrow(AbortError)
    const spare = await serveHttp(createRelayApp({ relay: relays[1] as RelayNode }), { hostname: '127.0.0.1', port: 0 })
    await spare.close()
    await spare.close()
    await expect(getRecordsViaGateway(spare.url, record.key)).rejects.toThrow(NetworkError)
    await expect(putRecordViaGateway(spare.url, record.key, record.bytes)).rejects.toThrow(NetworkError)
  })

  it('a server closes when its signal fires, and refuses to start on an aborted one', async () => {
    const controller = new AbortController()
    const spare = await serveHttp(createRelayApp({ relay: relays[2] as RelayNode }), { hostname: '127.0.0.1', port: 0, signal: controller.signal })
    expect((await fetch(`${spare.url}/health`)).status).toBe(200)
    controller.abort()
    await spare.close()
    await expect(fetch(`${spare.url}/health`)).rejects.toThrow()
    await expect(serveHttp(createRelayApp({ relay: relays[2] as RelayNode }), { hostname: '127.0.0.1', port: 0, signal: controller.signal })).rejects.toThrow(AbortError)
  })

  it('a port in use is an error, not a silent second server', async () => {
    await expect(serveHttp(createRelayApp({ relay: relays[1] as RelayNode }), { hostname: '127.0.0.1', port: server.port })).rejects.toThrow(/EADDRINUSE/)
  })
})
