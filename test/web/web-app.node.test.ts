import { rm } from 'node:fs/promises'
import { chromium } from 'playwright'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteToFragment } from '../../src/invite/invite.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { loadWebAssets } from '../../relay/http/web-assets.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'
import { buildApp, connected, readInApp, shot, writeInApp } from './app-driver.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts'

// The web app as users get it: built by vite, served by a relay's HTTP API,
// joined by real Chromium tabs over WebSockets to real relays, beside a Node peer.
const network = await createTestNetwork()
let relays: RelayNode[]
let nodePeer: SlurpPeer
let server: HttpServer
let browser: Browser
let context: BrowserContext
let page: Page
let outDir: string

const FROM_TAB = 'ucxl://webapp/src/server.ts'
const FROM_NODE = 'ucxl://webapp/docs/architecture'

beforeAll(async () => {
  outDir = await buildApp()
  relays = await startRelays(network, 3, undefined, { webSockets: true })
  server = await serveHttp(createRelayApp({ relay: relays[0] as RelayNode, web: await loadWebAssets(outDir) }), { hostname: '127.0.0.1', port: 0 })
  nodePeer = await startPeer(network, relays, ['backend_developer', 'senior_architect'])
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  page = await context.newPage()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
  await nodePeer?.stop()
  await Promise.all((relays ?? []).map(async r => await r.stop()))
  if (outDir !== undefined) await rm(outDir, { recursive: true, force: true })
})

describe('the web app in Chromium', () => {
  it('joins the mesh from an invite link and writes; a Node peer reads it decrypted', async () => {
    const invite = await createTestInvite(network, ['backend_developer'], [], 'Alice (browser)')
    await page.goto(`${server.url}/#invite=${inviteToFragment(invite)}`)
    await connected(page)
    expect(page.url()).not.toContain('invite=')
    expect(await page.getByTestId('relay-count').textContent()).toBe('3 relays')
    await writeInApp(page, FROM_TAB, 'HTTP server entry point')
    await shot(page, 'write')
    const read = await nodePeer.get(FROM_TAB)
    expect(read.item.summary).toBe('HTTP server entry point')
    expect(read.item.body).toBe('Details of: HTTP server entry point')
    expect(read.meta.role).toBe('backend_developer')
  })

  it('reads what a Node peer wrote, with its version and hierarchy', async () => {
    await nodePeer.put(FROM_NODE, { summary: 'Relays store what they cannot read', tags: ['design'] }, { as: 'backend_developer' })
    await readInApp(page, FROM_NODE)
    await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Relays store what they cannot read')
    expect(await page.locator('nav.crumbs').textContent()).toContain('webapp/docs')
    await shot(page, 'read')
  })

  it('keeps its keys and cache across a reload', async () => {
    await page.reload()
    await connected(page)
    await page.click('[data-tab=keys]')
    await expect.poll(async () => await page.locator('[data-testid=held-roles] tr[data-role=backend_developer]').count()).toBe(1)
    expect(await page.getByTestId('readable-roles').textContent()).toContain('backend_developer')
    await shot(page, 'keys')
    await page.click('[data-tab=search]')
    await page.fill('form[data-form=search] input[name=text]', 'relays')
    await page.click('form[data-form=search] button[type=submit]')
    await expect.poll(async () => await page.getByTestId('results').textContent()).toContain(FROM_NODE)
    await shot(page, 'search')
  })

  it('shows a write from one tab in another tab of the same browser', async () => {
    const second = await context.newPage()
    try {
      await second.goto(server.url)
      await connected(second)
      await readInApp(second, FROM_NODE)
      await expect.poll(async () => await second.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Relays store what they cannot read')
      await writeInApp(page, FROM_NODE, 'Relays store and replicate ciphertext only')
      await expect.poll(async () => await second.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Relays store and replicate ciphertext only')
    } finally {
      await second.close()
    }
  })

  it('the embedding example shows a context item with <slurp-context>', async () => {
    const embed = await context.newPage()
    try {
      await embed.goto(`${server.url}/embed.html?address=${encodeURIComponent(FROM_TAB)}`)
      await embed.locator('slurp-context[state=ready]').waitFor({ timeout: 20_000 })
      expect(await embed.locator('slurp-context [part=summary]').textContent()).toBe('HTTP server entry point')
      await shot(embed, 'embed')
    } finally {
      await embed.close()
    }
  })

  it('shows a non-reader an access-denied state, not a crash', async () => {
    const other = await browser.newContext()
    try {
      const observer = await other.newPage()
      await observer.goto(`${server.url}/#invite=${inviteToFragment(await createTestInvite(network, ['observer'], [], 'Olive (observer)'))}`)
      await connected(observer)
      await readInApp(observer, FROM_TAB)
      await observer.locator('.error[data-code=ERR_ACCESS_DENIED]').waitFor({ timeout: 20_000 })
      expect(await observer.getByTestId('access-denied').textContent()).toContain('observer')
      await shot(observer, 'access-denied')
    } finally {
      await other.close()
    }
  })

  it('explains a bad invite, and seals keys under a passphrase it asks for after a reload', async () => {
    const other = await browser.newContext()
    try {
      const fresh = await other.newPage()
      await fresh.goto(server.url)
      await fresh.locator('[data-phase="no-keys"]').waitFor()
      await shot(fresh, 'join')
      await fresh.fill('form[data-form=import] textarea[name=invite]', 'not an invite')
      await fresh.click('form[data-form=import] button[type=submit]')
      await fresh.locator('.error[data-code=ERR_INVALID_INVITE]').waitFor()
      const invite = await createTestInvite(network, ['backend_developer'], [], 'Pat (protected)')
      await fresh.fill('form[data-form=import] textarea[name=invite]', JSON.stringify(invite))
      await fresh.fill('form[data-form=import] input[name=passphrase]', 'correct horse battery')
      await fresh.click('form[data-form=import] button[type=submit]')
      await connected(fresh)
      await fresh.reload()
      await fresh.locator('[data-phase="locked"]').waitFor()
      await fresh.fill('form[data-form=unlock] input[name=passphrase]', 'wrong')
      await fresh.click('form[data-form=unlock] button[type=submit]')
      await fresh.locator('.error[data-code=ERR_VAULT_LOCKED]').waitFor({ timeout: 20_000 })
      await fresh.fill('form[data-form=unlock] input[name=passphrase]', 'correct horse battery')
      await fresh.click('form[data-form=unlock] button[type=submit]')
      await connected(fresh)
    } finally {
      await other.close()
    }
  })

  it('reads from its cache with every relay stopped, keeps what was typed, and fits a phone screen', async () => {
    await page.click('[data-tab=write]')
    await page.fill('form[data-form=write] input[name=summary]', 'typed before the relays went away')
    await Promise.all(relays.map(async r => await r.stop()))
    // The status bar says so, and the re-render that comes with it keeps the draft.
    await page.locator('[data-testid=connection][data-phase=disconnected]').waitFor({ timeout: 20_000 })
    expect(await page.inputValue('form[data-form=write] input[name=summary]')).toBe('typed before the relays went away')
    await readInApp(page, FROM_TAB)
    await page.getByTestId('offline').waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('summary').textContent()).toBe('HTTP server entry point')
    await page.setViewportSize({ width: 390, height: 844 })
    await shot(page, 'offline-phone')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
  })
})
