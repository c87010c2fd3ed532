import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { HttpServer, ServeOptions } from '../../relay/http/serve-types.ts'

/**
 * Run by serve-runtimes.node.test.ts under Bun and Deno: serves a hono app
 * with that runtime's serve.*.ts on a free port, talks to it over real HTTP,
 * closes it, and prints "N passed, M failed".
 */
type ServeHttp = (app: Hono, options: ServeOptions) => Promise<HttpServer>

const runtime = 'Bun' in globalThis ? 'bun' : 'Deno' in globalThis ? 'deno' : 'node'
const { serveHttp } = await import(`../../relay/http/serve.${runtime}.ts`) as { serveHttp: ServeHttp }

const app = new Hono()
app.get('/hello', c => c.json({ hello: runtime }))
app.put('/echo', bodyLimit({ maxSize: 1024, onError: c => c.json({ error: 'too large' }, 413) }), async c => {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  return c.body(bytes.slice().buffer, 200, { 'content-type': 'application/octet-stream' })
})

let passed = 0
let failed = 0
async function check (name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work()
    passed++
  } catch (error) {
    failed++
    console.log(`FAIL ${name}: ${(error as Error).message}`)
  }
}
function assert (condition: boolean, message: string): void {
  if (!condition) throw new Error(message)
}

const server = await serveHttp(app, { hostname: '127.0.0.1', port: 0 })
await check('reports the port it picked', async () => {
  assert(server.port > 0, `port ${server.port}`)
  assert(server.url === `http://127.0.0.1:${server.port}`, `url ${server.url}`)
})
await check('answers JSON', async () => {
  const body = await (await fetch(`${server.url}/hello`)).json() as { hello: string }
  assert(body.hello === runtime, JSON.stringify(body))
})
await check('round-trips a binary body', async () => {
  const sent = new Uint8Array([0, 1, 2, 255, 254])
  const got = new Uint8Array(await (await fetch(`${server.url}/echo`, { method: 'PUT', body: sent })).arrayBuffer())
  assert(got.join(',') === sent.join(','), got.join(','))
})
await check('refuses an oversize body with 413', async () => {
  const response = await fetch(`${server.url}/echo`, { method: 'PUT', body: new Uint8Array(4096) })
  assert(response.status === 413, String(response.status))
  await response.body?.cancel()
})
await check('closes, and then refuses connections', async () => {
  await server.close()
  await server.close()
  let refused = false
  try {
    await fetch(`${server.url}/hello`)
  } catch {
    refused = true
  }
  assert(refused, 'still answering after close')
})
const controller = new AbortController()
const second = await serveHttp(app, { hostname: '127.0.0.1', port: 0, signal: controller.signal })
await check('closes when its signal fires', async () => {
  assert((await fetch(`${second.url}/hello`)).ok, 'not serving')
  controller.abort()
  await second.close()
  let refused = false
  try {
    await fetch(`${second.url}/hello`)
  } catch {
    refused = true
  }
  assert(refused, 'still answering after abort')
})

// The relay app itself (hono, the keeper, the metrics) on this runtime, before its relay starts.
const { createRelayApp } = await import('../../relay/http/app.ts')
const { RelayNode } = await import('../../src/relay.ts')
const { createMemoryStore } = await import('../../src/store/memory.ts')
const { createTestNetwork } = await import('../helpers/network.ts')
const network = await createTestNetwork()
const relay = new RelayNode({ network: { rootPublicKey: network.root.publicKey, policy: network.policy }, store: createMemoryStore() })
const relayServer = await serveHttp(createRelayApp({ relay }), { hostname: '127.0.0.1', port: 0 })
await check('serves the relay app', async () => {
  const health = await fetch(`${relayServer.url}/health`)
  assert(health.status === 503, `health ${health.status}`)
  assert((await health.json() as { status: string }).status === 'starting', 'health body')
  const metrics = await fetch(`${relayServer.url}/metrics`)
  assert(metrics.headers.get('content-type') === 'text/plain; version=0.0.4; charset=utf-8', `content type ${metrics.headers.get('content-type') ?? ''}`)
  assert((await metrics.text()).includes('# TYPE slurp_put_duration_seconds histogram'), 'metrics page')
  const missing = await fetch(`${relayServer.url}/nope`)
  assert(missing.status === 404 && (await missing.json() as { error: { code: string } }).error.code === 'ERR_NOT_FOUND', 'not found')
})
await relayServer.close()

console.log(`${runtime}: ${passed} passed, ${failed} failed`)
if (failed > 0 && typeof (globalThis as { process?: { exitCode?: number } }).process === 'object') {
  (globalThis as unknown as { process: { exitCode: number } }).process.exitCode = 1
}
