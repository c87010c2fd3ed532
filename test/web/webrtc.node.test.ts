import { rm } from 'node:fs/promises'
import { chromium } from 'playwright'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteToFragment } from '../../src/invite/invite.ts'
import type { PeerLink } from '../../src/net/direct-peers.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { loadWebAssets } from '../../relay/http/web-assets.ts'
import { startRelays } from '../helpers/mesh.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'
import { buildApp, connected, readInApp, shot, writeInApp } from './app-driver.ts'
import { CHROMIUM_ARGS } from './chromium.ts'
import { createNetns, netnsUnavailable } from './netns.ts'
import type { Netns } from './netns.ts'

// Two people's tabs (separate browser profiles: no shared storage, no
// BroadcastChannel between them) connect directly over WebRTC, signalled
// through a relay, and see each other's writes at once. Chromium only gathers
// WebRTC candidates on an interface with a default route, so it runs in a
// network namespace; the relays stay here and listen on the veth pair.
const unavailable = await netnsUnavailable()
if (unavailable !== undefined) console.warn(`skipping the browser↔browser WebRTC test: ${unavailable}`)

const ADDRESS = 'ucxl://webrtc/src/shared.ts'
const network = await createTestNetwork()
let netns: Netns | undefined
let relays: RelayNode[] = []
let server: HttpServer | undefined
let browser: Browser | undefined
let outDir: string | undefined
let alice: Page
let bob: Page

async function join (name: string): Promise<Page> {
  const context: BrowserContext = await (browser as Browser).newContext({ viewport: { width: 1280, height: 800 } })
  const page = await context.newPage()
  const invite = await createTestInvite(network, ['backend_developer'], [], name)
  await page.goto(`${(server as HttpServer).url}/#invite=${inviteToFragment(invite)}`)
  await connected(page)
  return page
}

async function peersOf (page: Page): Promise<PeerLink[]> {
  return await page.evaluate(async () => await (globalThis as any).slurp.peer.peers())
}

describe.skipIf(unavailable !== undefined)(`browser↔browser WebRTC${unavailable === undefined ? '' : ` (skipped: ${unavailable})`}`, () => {
  beforeAll(async () => {
    netns = await createNetns()
    outDir = await buildApp()
    relays = await startRelays(network, 3, undefined, { webSockets: true, host: netns.hostIp })
    server = await serveHttp(createRelayApp({ relay: relays[0] as RelayNode, web: await loadWebAssets(outDir) }), { hostname: netns.hostIp, port: 0 })
    browser = await chromium.launch({
      executablePath: netns.chromium,
      args: [
        ...CHROMIUM_ARGS,
        // Served from the veth address, not localhost: WebCrypto needs a secure context.
        `--unsafely-treat-insecure-origin-as-secure=${server.url}`,
        // Real addresses in the candidates: mDNS names would need a responder in the namespace.
        '--disable-features=WebRtcHideLocalIpsWithMdns'
      ]
    })
    alice = await join('Alice (laptop)')
    bob = await join('Bob (desktop)')
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await Promise.all(relays.map(async r => await r.stop()))
    await netns?.close()
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true })
  })

  it('connects two tabs directly over WebRTC, signalled through a relay', async () => {
    await bob.click('[data-tab=peers]')
    const own = bob.getByTestId('own-address')
    await own.waitFor({ timeout: 30_000 })
    const address = await own.inputValue()
    expect(address).toMatch(/\/p2p-circuit\/webrtc\/p2p\/12D3/)
    await alice.click('[data-tab=peers]')
    await alice.fill('form[data-form=connect-peer] input[name=address]', address)
    await alice.click('form[data-form=connect-peer] button[type=submit]')
    // Up to three attempts of 10 s each (src/net/direct-peers.ts); say what the page showed if all failed.
    await alice.locator('[data-testid=peer-list] tr[data-transport=webrtc]').waitFor({ timeout: 35_000 }).catch(async (error: Error) => {
      throw new Error(`${error.message}\nAlice's page said: ${await alice.locator('main').textContent()}`)
    })
    const bobId = address.slice(address.lastIndexOf('/') + 1)
    expect(await peersOf(alice)).toContainEqual(expect.objectContaining({ peerId: bobId, transport: 'webrtc', direct: true }))
    await expect.poll(async () => await peersOf(bob), { timeout: 10_000 }).toContainEqual(expect.objectContaining({ transport: 'webrtc', direct: true }))
    expect(await alice.getByTestId('connection').textContent()).toContain('webrtc')
    await shot(alice, 'peers')
  }, 90_000)

  it('shows a write from the other tab at once, with no shared storage between them', async () => {
    await writeInApp(alice, ADDRESS, 'first cut')
    await readInApp(bob, ADDRESS)
    await expect.poll(async () => await bob.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('first cut')
    await writeInApp(alice, ADDRESS, 'revised over WebRTC')
    // Bob does nothing: Alice's tab told his over their direct connection, and his re-read the relays.
    await expect.poll(async () => await bob.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('revised over WebRTC').catch(async (error: Error) => {
      // Which link was missing: the direct connection, or the re-read after the notice.
      throw new Error(`${error.message}\nAlice's peers: ${JSON.stringify(await peersOf(alice))}\nBob's peers: ${JSON.stringify(await peersOf(bob))}`)
    })
  })
})
