import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayNode } from '../../src/relay.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { loadWebAssets } from '../../relay/http/web-assets.ts'
import { eventually, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
let relays: RelayNode[]
let app: Hono
let folder: string

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'slurp-web-assets-'))
  await mkdir(join(folder, 'assets'))
  await writeFile(join(folder, 'index.html'), '<!doctype html><title>slurp</title>')
  await writeFile(join(folder, 'embed.html'), '<!doctype html><title>embed</title>')
  await writeFile(join(folder, 'assets', 'index-abc123.js'), 'console.log(1)')
  relays = await startRelays(network, 2, undefined, { webSockets: true })
  app = createRelayApp({ relay: relays[0] as RelayNode, web: await loadWebAssets(folder) })
}, 30_000)

afterAll(async () => {
  await Promise.all((relays ?? []).map(async r => await r.stop()))
  await rm(folder, { recursive: true, force: true })
})

describe('the relay serves the web app and tells tabs which relays to dial', () => {
  it('serves / and pages with a strict CSP, hashed assets as immutable', async () => {
    const page = await app.request('/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    expect(await page.text()).toContain('<title>slurp</title>')
    expect(await (await app.request('/embed')).text()).toContain('embed')
    const asset = await app.request('/assets/index-abc123.js')
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect(asset.headers.get('cache-control')).toContain('immutable')
  })

  it('answers only files it loaded: no path escapes the folder, the API still wins', async () => {
    for (const path of ['/../package.json', '/assets/../../etc/passwd', '/%2e%2e/package.json', '/missing.js']) {
      expect((await app.request(path)).status).toBe(404)
    }
    expect((await app.request('/health')).headers.get('content-type')).toMatch(/json/)
  })

  it('/v1/bootstrap lists WebSocket addresses of this relay and the relays it knows, nothing a browser cannot dial', async () => {
    await eventually(async () => {
      const body = await (await app.request('/v1/bootstrap')).json() as { network: string, relays: Array<{ peerId: string, multiaddrs: string[] }> }
      expect(body.network).toBe(network.policy.network)
      expect(body.relays.map(r => r.peerId).sort()).toEqual(relays.map(r => r.libp2p.peerId.toString()).sort())
      for (const relay of body.relays) {
        expect(relay.multiaddrs.length).toBeGreaterThan(0)
        for (const address of relay.multiaddrs) expect(address).toMatch(new RegExp(`/ws/p2p/${relay.peerId}$`))
      }
    })
  })
})
