import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { chromium } from 'playwright'
import type { Browser, BrowserContext, Page } from 'playwright'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inviteToFragment } from '../../src/invite/invite.ts'
import { fromBase64url, toBase64url } from '../../src/encoding/base64url.ts'
import { decodeCertificate } from '../../src/trust/certificate.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { GENERATED_PASSPHRASE_WORK_FACTOR, generateInvitePassphrase, sealInvite, unsealInvite } from '../../src/invite/sealed.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import type { HttpServer } from '../../relay/http/serve-types.ts'
import { loadWebAssets } from '../../relay/http/web-assets.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { slurp } from '../helpers/cli.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'
import { buildApp, cacheKeys, connected, decodedRuns, profileTexts, readInApp, shot, writeInApp } from './app-driver.ts'
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
    // The default hand-over (slurp invite --url): a sealed link, opened with its passphrase.
    const invite = await createTestInvite(network, ['backend_developer'], [], 'Alice (browser)')
    const passphrase = generateInvitePassphrase()
    await page.goto(`${server.url}/#invite=${await sealInvite(invite, passphrase, { workFactor: GENERATED_PASSPHRASE_WORK_FACTOR })}`)
    await page.getByTestId('unseal').waitFor({ timeout: 20_000 })
    await shot(page, 'unseal')
    await page.fill('form[data-form=unseal] input[name=invite-passphrase]', passphrase)
    await page.click('form[data-form=unseal] button[type=submit]')
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
    await nodePeer.put('ucxl://webapp/docs', { summary: 'How slurp is built', purpose: 'explain the design', tags: ['design', 'docs'], technologies: ['markdown'] }, { as: 'backend_developer' })
    await nodePeer.put(FROM_NODE, { summary: 'Relays store what they cannot read', tags: ['design'] }, { as: 'backend_developer' })
    await readInApp(page, FROM_NODE)
    await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Relays store what they cannot read')
    expect(await page.locator('nav.crumbs').textContent()).toContain('webapp/docs')
    // The URL names what is read: a bookmark opens it again.
    expect(new URL(page.url()).searchParams.get('address')).toBe(FROM_NODE)
    // What the folder gives it, with where it came from; "design" is its own tag too, so it is not repeated.
    const inherited = page.locator('[data-testid=inherited] [data-from="ucxl://webapp/docs"]')
    await expect.poll(async () => await inherited.textContent()).toBe('webapp/docsexplain the designTags: docsTechnologies: markdown')
    await shot(page, 'read')
    // A new version starts from this one: its fields, its role and its type.
    await page.getByRole('button', { name: 'Write a new version' }).click()
    expect(await page.inputValue('form[data-form=write] input[name=summary]')).toBe('Relays store what they cannot read')
    expect(await page.inputValue('form[data-form=write] input[name=tags]')).toBe('design')
    expect(await page.inputValue('form[data-form=write] select[name=role]')).toBe('backend_developer')
    // Only the types the role may write are offered.
    expect(await page.locator('form[data-form=write] select[name=type] option').allTextContents()).toEqual(['context', 'suggestion', 'task'])
    await page.click('[data-tab=read]')
  })

  it('browses a project as a tree, from its encrypted directory, and opens an address from it', async () => {
    await nodePeer.flushDirectory()
    await page.click('[data-tab=browse]')
    await page.fill('form[data-form=browse] input[name=project]', 'webapp')
    // The tab's own write is listed within a second of it: list again until it shows.
    await expect.poll(async () => {
      await page.click('form[data-form=browse] button[type=submit]')
      await page.locator('[data-testid=browse-tree], [data-testid=browse-empty]').first().waitFor()
      return await page.locator('[data-testid=browse-tree] [data-address]').evaluateAll(items => items.map(item => item.getAttribute('data-address')))
    }, { timeout: 20_000 }).toEqual(expect.arrayContaining([FROM_NODE, FROM_TAB, 'ucxl://webapp/docs']))
    // ucxl://webapp/docs is both an address and a folder: one line for both.
    expect(await page.locator('[data-testid=browse-tree] summary.folder').allTextContents()).toEqual(['docs/ context here context backend_developer', 'src/'])
    await shot(page, 'browse')
    expect(await overflow(page)).toBeLessThanOrEqual(0)
    await page.locator(`[data-testid=browse-tree] li[data-address="${FROM_NODE}"] button`).click()
    await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Relays store what they cannot read')
  })

  it('shows a decision\'s fields and the chain of decisions that bear on an address', async () => {
    const architect = { as: 'senior_architect' }
    await nodePeer.recordDecision('ucxl://webapp/decisions/1', { summary: 'docs in markdown', decision: { status: 'accepted', affects: ['ucxl://webapp/docs'], validAt: '2026-01-01T00:00:00Z' } }, architect)
    await nodePeer.recordDecision('ucxl://webapp/decisions/2', {
      summary: 'docs in markdown, diagrams in mermaid', decision: { status: 'accepted', links: [{ type: 'amends', target: 'ucxl://webapp/decisions/1' }], validAt: '2026-03-01T00:00:00Z', rationale: 'diagrams diff well' }
    }, architect)
    await nodePeer.flushDirectory()
    // Architects' decisions are for the roles that read everything: a project manager's tab.
    const managers = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    try {
      const tab = await managers.newPage()
      await tab.goto(`${server.url}/#invite=${inviteToFragment(await createTestInvite(network, ['project_manager'], [], 'Pat (manager)'))}`)
      await connected(tab)
      await readInApp(tab, FROM_NODE)
      const chain = tab.locator('[data-testid=decisions] li')
      await expect.poll(async () => await chain.evaluateAll(items => items.map(item => [item.getAttribute('data-address'), item.getAttribute('data-hop')])), { timeout: 20_000 })
        .toEqual([['ucxl://webapp/decisions/1', '0'], ['ucxl://webapp/decisions/2', '1']])
      expect(await chain.nth(1).locator('.chain').textContent()).toBe('via webapp/docs: 1 is amended by 2')
      await shot(tab, 'decisions')
      expect(await overflow(tab)).toBeLessThanOrEqual(0)
      await chain.nth(1).locator('button').click()
      await expect.poll(async () => await tab.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('docs in markdown, diagrams in mermaid')
      expect(await tab.getByTestId('decision-fields').textContent()).toContain('amends webapp/decisions/1')
    } finally {
      await managers.close()
    }
  })

  it('shows an address\'s history, newest first', async () => {
    const address = 'ucxl://webapp/docs/changelog'
    await nodePeer.put(address, { summary: 'first release' }, { as: 'backend_developer' })
    await nodePeer.put(address, { summary: 'second release' }, { as: 'backend_developer' })
    await readInApp(page, address)
    await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('second release')
    await page.getByRole('button', { name: 'History' }).click()
    const versions = page.locator('[data-testid=history] li')
    await expect.poll(async () => await versions.evaluateAll(items => items.map(item => [item.getAttribute('data-current'), item.querySelector('div')?.textContent])), { timeout: 20_000 })
      .toEqual([['true', 'second release'], ['false', 'first release']])
  })

  it('names this member as the author of its own writes, and folds a long body', async () => {
    await readInApp(page, FROM_TAB)
    await expect.poll(async () => await page.getByTestId('author').textContent(), { timeout: 20_000 }).toBe('you (Alice (browser))')
    const long = Array.from({ length: 40 }, (_, i) => `line ${i + 1} of the design notes`).join('\n')
    await nodePeer.put('ucxl://webapp/docs/long', { summary: 'long notes', body: long }, { as: 'backend_developer' })
    await readInApp(page, 'ucxl://webapp/docs/long')
    const folded = page.getByTestId('folded-body')
    await folded.waitFor({ timeout: 20_000 })
    expect(await folded.locator('summary').textContent()).toBe('Show all 40 lines')
    expect(await folded.getByTestId('markdown').first().textContent()).not.toContain('line 13 ')
    // Bodies are Markdown, built from text: markup in them never becomes HTML.
    await nodePeer.put('ucxl://webapp/docs/styled', { summary: 'styled', body: '## Why\n\nRelays are **blind**; see `keeper.ts` and [the spec](https://example.org/spec).\n\n- one <script>alert(1)</script>' }, { as: 'backend_developer' })
    await readInApp(page, 'ucxl://webapp/docs/styled')
    await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('styled')
    const body = page.getByTestId('markdown')
    expect(await body.locator('strong').textContent()).toBe('blind')
    expect(await body.locator('code').textContent()).toBe('keeper.ts')
    expect(await body.locator('a').getAttribute('href')).toBe('https://example.org/spec')
    expect(await body.locator('script').count()).toBe(0)
    expect(await body.locator('li').textContent()).toBe('one <script>alert(1)</script>')
    expect(await page.getByTestId('author').textContent()).toMatch(/…/)
  })

  it('keeps its keys and cache across a reload', async () => {
    await page.reload()
    await connected(page)
    await page.click('[data-tab=keys]')
    await expect.poll(async () => await page.locator('[data-testid=held-roles] tr[data-role=backend_developer]').count()).toBe(1)
    expect(await page.getByTestId('readable-roles').textContent()).toContain('backend_developer')
    expect(await page.locator('[data-testid=held-roles] tr[data-role=backend_developer] [data-testid=may-write]').textContent()).toBe('context, suggestion, task')
    await shot(page, 'keys')
    await page.click('[data-tab=search]')
    await page.fill('form[data-form=search] input[name=text]', 'relays')
    await page.click('form[data-form=search] button[type=submit]')
    await expect.poll(async () => await page.getByTestId('results').textContent()).toContain(FROM_NODE)
    // The query stays in the box, and facets count what matched.
    expect(await page.inputValue('form[data-form=search] input[name=text]')).toBe('relays')
    expect(await page.locator('[data-testid=facets] [data-facet=type]').textContent()).toContain('context')
    // A whole project, with matches marked in a line cut from the body of the tab's own write.
    await page.fill('form[data-form=search] input[name=text]', 'detail')
    await page.fill('form[data-form=search] input[name=project]', 'webapp')
    await page.click('form[data-form=search] button[type=submit]')
    await expect.poll(async () => await page.locator(`[data-testid=results] li[data-address="${FROM_TAB}"] [data-testid=snippet] mark`).allTextContents(), { timeout: 20_000 })
      .toEqual(['Details'])
    await shot(page, 'search')
    expect(await overflow(page)).toBeLessThanOrEqual(0)
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

  // Issue 10 finding 10: a link with another network's invite silently replaced the
  // keys, and what the old network decrypted stayed readable and in search.
  it('asks before a second network\'s invite link replaces the keys, and drops the old network\'s cache once accepted', async () => {
    const other = await browser.newContext()
    try {
      const first = await other.newPage()
      await first.goto(`${server.url}/#invite=${inviteToFragment(await createTestInvite(network, ['backend_developer'], [], 'First network'))}`)
      await connected(first)
      await readInApp(first, FROM_NODE)
      await expect.poll(async () => await first.getByTestId('summary').textContent(), { timeout: 20_000 }).toContain('Relays store')
      // The address read, and the folders it inherits from (the read view resolves them too).
      const decrypted = (await cacheKeys(first)).filter(key => key.startsWith('context/'))
      expect(decrypted).toContain(`context/${FROM_NODE}`)

      const second = await createTestNetwork()
      const link = `${server.url}/#invite=${inviteToFragment(await createTestInvite(second, ['backend_developer'], [], 'Second network'))}`
      const tab = await other.newPage()
      await tab.goto(link)
      const ask = tab.getByTestId('confirm-replace')
      await ask.waitFor({ timeout: 20_000 })
      expect(await ask.getAttribute('data-change')).toBe('other-network')
      expect(await tab.getByTestId('held-now').textContent()).toContain('First network')
      expect(await tab.getByTestId('incoming').textContent()).toContain('Second network')
      await shot(tab, 'confirm-replace')
      // Declining keeps the first network's keys and what they decrypted.
      await tab.getByTestId('keep-current').click()
      await connected(tab)
      expect(await tab.evaluate(() => (globalThis as any).slurp.summary.label)).toBe('First network')
      expect((await cacheKeys(tab)).filter(key => key.startsWith('context/'))).toEqual(decrypted)

      // The same link again (in the open tab: only the fragment changes), accepted this time.
      await tab.evaluate(fragment => { location.hash = fragment }, new URL(link).hash)
      await tab.getByTestId('accept-replace').click()
      await tab.locator('[data-phase=connected], [data-phase=disconnected]').waitFor({ timeout: 30_000 })
      expect(await tab.evaluate(() => (globalThis as any).slurp.summary.label)).toBe('Second network')
      // The first tab, still open on the first network, leaves it too (its peer would keep filling the cache).
      await expect.poll(async () => await first.evaluate(() => (globalThis as any).slurp.opened?.file.label), { timeout: 20_000 }).toBe('Second network')
      expect((await cacheKeys(tab)).filter(key => key.startsWith('context/'))).toEqual([])
      await tab.click('[data-tab=search]')
      await tab.fill('form[data-form=search] input[name=text]', 'relays')
      await tab.click('form[data-form=search] button[type=submit]')
      await tab.locator('.empty').waitFor()
      expect(await tab.getByTestId('results').count()).toBe(0)
    } finally {
      await other.close()
    }
  })

  // Issue 10 finding 10: the invite (member seed, role keys) stayed in Chromium's
  // History, Favicons and Session files although the app calls replaceState.
  it('leaves no invite secret in the browser profile after the default hand-over, `slurp invite --url`', async () => {
    const base = await mkdtemp(join(tmpdir(), 'slurp-profile-'))
    const dir = join(base, 'net')
    const profile = join(base, 'profile')
    try {
      expect((await slurp(['init', '--dir', dir])).code).toBe(0)
      const made = await slurp(['invite', '--dir', dir, '--roles', 'backend_developer', '--label', 'Profile check', '--bootstrap', '/ip4/127.0.0.1/tcp/9/ws', '--url', `${server.url}/`])
      expect(made.code).toBe(0)
      const [link = '', line = ''] = made.stdout.toString().trim().split('\n')
      const passphrase = line.replace(/^passphrase: /, '')
      const sealed = new URL(link).hash.slice('#invite='.length)
      const invite = await unsealInvite(sealed, passphrase)
      const persistent = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
      try {
        const tab = persistent.pages()[0] ?? await persistent.newPage()
        await tab.goto(link)
        await tab.getByTestId('unseal').waitFor({ timeout: 20_000 })
        expect(tab.url()).not.toContain('invite=')
        await tab.fill('form[data-form=unseal] input[name=invite-passphrase]', passphrase)
        await tab.click('form[data-form=unseal] button[type=submit]')
        await tab.locator('[data-phase=connected], [data-phase=disconnected]').waitFor({ timeout: 30_000 })
        expect(await tab.evaluate(() => (globalThis as any).slurp.summary.label)).toBe('Profile check')
      } finally {
        // Closing shuts Chromium down, which writes History and the session files out.
        await persistent.close()
      }
      const files = await profileTexts(profile)
      // The link is there (so these are the right files, written out), but sealed.
      expect(files.find(entry => entry.file.endsWith(`${sep}History`))?.text).toContain(sealed.slice(0, 64))
      const secrets = [invite.member.key, ...Object.values(invite.roles).flat(), passphrase]
      for (const { file, text } of files) {
        const decoded = decodedRuns(text)
        for (const secret of secrets) {
          expect(text.includes(secret), `${file} holds a secret`).toBe(false)
          expect(decoded.includes(secret), `${file} holds a secret in base64url`).toBe(false)
        }
        expect(/AGE-SECRET-KEY-1[0-9A-Z]{20}/.test(text) || /AGE-SECRET-KEY-1[0-9A-Z]{20}/.test(decoded), `${file} holds an age identity`).toBe(false)
      }
    } finally {
      await rm(base, { recursive: true, force: true })
    }
  })

  // Issue 10 finding 10: embed.html never removed an invite from its URL.
  it('the embedding example takes a sealed invite link: out of the address bar at once, opened with its passphrase', async () => {
    const other = await browser.newContext()
    try {
      const embed = await other.newPage()
      const passphrase = generateInvitePassphrase()
      const sealed = await sealInvite(await createTestInvite(network, ['backend_developer'], [], 'Embedded'), passphrase, { workFactor: GENERATED_PASSPHRASE_WORK_FACTOR })
      await embed.goto(`${server.url}/embed.html?address=${encodeURIComponent(FROM_TAB)}#invite=${sealed}`)
      await embed.locator('#unseal:not([hidden])').waitFor({ timeout: 20_000 })
      expect(embed.url()).not.toContain('invite=')
      await embed.fill('#unseal input[name=passphrase]', 'not the passphrase')
      await embed.click('#unseal button[type=submit]')
      await expect.poll(async () => await embed.locator('#embed-status').textContent()).toContain('wrong passphrase')
      await embed.fill('#unseal input[name=passphrase]', passphrase)
      await embed.click('#unseal button[type=submit]')
      await embed.locator('slurp-context[state=ready]').waitFor({ timeout: 20_000 })
      expect(await embed.locator('slurp-context [part=summary]').textContent()).toBe('HTTP server entry point')
    } finally {
      await other.close()
    }
  })

  // Issue 10 finding 10: unbroken strings made the page 1.3 million px wide and the
  // element spilled into its host page; "\u202Egnp.exe" displayed as "exe.png".
  it('keeps long unbroken text within the page and the element, and isolates direction overrides', async () => {
    const LONG = 'ucxl://webapp/docs/long-words'
    const RTL = 'ucxl://webapp/docs/attachment'
    const unbroken = 'W'.repeat(20_000)
    await nodePeer.put(LONG, { summary: unbroken, body: `${unbroken}\n${unbroken}`, tags: ['T'.repeat(2000)] }, { as: 'backend_developer' })
    await nodePeer.put(RTL, { summary: 'invoice \u202Egnp.exe', purpose: 'an attachment' }, { as: 'backend_developer' })
    await readInApp(page, LONG)
    await expect.poll(async () => (await page.getByTestId('summary').textContent())?.length, { timeout: 20_000 }).toBe(20_000)
    const app = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }))
    expect(app.scroll).toBeLessThanOrEqual(app.client)
    await shot(page, 'long-text')
    await readInApp(page, RTL)
    // Text and style read in one task: a re-render (a newer version, a refresh) may replace the node between two calls.
    const appSummary = async (): Promise<{ text: string | null, bidi: string } | undefined> => await page.evaluate(() => {
      const node = document.querySelector('[data-testid=summary]')
      return node === null ? undefined : { text: node.textContent, bidi: getComputedStyle(node).unicodeBidi }
    })
    await expect.poll(appSummary, { timeout: 20_000 }).toEqual({ text: 'invoice [U+202E]gnp.exe', bidi: 'isolate' })

    const embed = await context.newPage()
    try {
      await embed.goto(`${server.url}/embed.html?address=${encodeURIComponent(LONG)}`)
      await embed.locator('slurp-context[state=ready]').waitFor({ timeout: 20_000 })
      const box = await embed.locator('slurp-context').evaluate(node => ({
        scroll: node.scrollWidth,
        client: node.clientWidth,
        right: node.getBoundingClientRect().right,
        parentRight: (node.parentElement as HTMLElement).getBoundingClientRect().right,
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth
      }))
      expect(box.scroll).toBeLessThanOrEqual(box.client)
      expect(box.right).toBeLessThanOrEqual(box.parentRight)
      expect(box.page).toBeLessThanOrEqual(box.viewport)
      await shot(embed, 'embed-long-text')
      await embed.evaluate(address => { document.getElementById('context')?.setAttribute('address', address) }, RTL)
      const elementSummary = async (): Promise<{ text: string | null, bidi: string } | undefined> => await embed.evaluate(() => {
        const node = document.querySelector('slurp-context')?.shadowRoot?.querySelector('[part=summary]')
        return node === null || node === undefined ? undefined : { text: node.textContent, bidi: getComputedStyle(node).unicodeBidi }
      })
      await expect.poll(elementSummary, { timeout: 20_000 }).toEqual({ text: 'invoice [U+202E]gnp.exe', bidi: 'isolate' })
    } finally {
      await embed.close()
    }
  })

  // Suggestions live beside an address's context, at their own key: the Read view showed
  // only the context (get), so a suggestion written in the app was nowhere to be seen.
  it('shows an address\'s suggestions under its context, marked with their author roles, and where there is no context', async () => {
    const ADDRESS = 'ucxl://webapp/src/config.ts'
    const ONLY_SUGGESTED = 'ucxl://webapp/src/cache.ts'
    // The page holds backend_developer, which reads devops_engineer's records but not qa_engineer's.
    const devops = await startPeer(network, relays, ['devops_engineer'])
    const qa = await startPeer(network, relays, ['qa_engineer'])
    try {
      await nodePeer.put(ADDRESS, { summary: 'Loads the config file' }, { as: 'backend_developer' })
      await devops.put(ADDRESS, { summary: 'Reload it on SIGHUP', body: 'Deploys restart the process today \u202Egnp.exe' }, { as: 'devops_engineer', type: 'suggestion' })
      await qa.put(ADDRESS, { summary: 'Not readable by the page' }, { as: 'qa_engineer', type: 'suggestion' })
      await writeInApp(page, ADDRESS, 'Validate it against a schema', { type: 'suggestion' })
      expect(await page.getByTestId('written').textContent()).toContain('Suggestion written')
      await page.getByTestId('written').getByRole('button', { name: 'Read it back' }).click()

      // The context stays the context; the suggestions show under it, newest first.
      await expect.poll(async () => await page.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('Loads the config file')
      expect(await page.inputValue('form[data-form=read-form] input[name=address]')).toBe(ADDRESS)
      const shown = async (): Promise<Array<Record<string, string | null | undefined>>> => await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-testid=suggestion]')].map(node => ({
          role: node.dataset.role,
          badge: node.querySelector('[data-testid=suggestion-badge]')?.textContent,
          by: node.querySelector('[data-testid=suggestion-by]')?.textContent?.split(',')[0],
          summary: node.querySelector('[data-testid=suggestion-summary]')?.textContent,
          body: node.querySelector('[data-testid=suggestion-body]')?.textContent ?? null,
          bidi: getComputedStyle(node.querySelector('[data-testid=suggestion-summary]') as Element).unicodeBidi
        })))
      await expect.poll(shown, { timeout: 20_000 }).toEqual([
        { role: 'backend_developer', badge: 'suggestion', by: 'by backend_developer', summary: 'Validate it against a schema', body: 'Details of: Validate it against a schema', bidi: 'isolate' },
        { role: 'devops_engineer', badge: 'suggestion', by: 'by devops_engineer', summary: 'Reload it on SIGHUP', body: 'Deploys restart the process today [U+202E]gnp.exe', bidi: 'isolate' }
      ])
      expect(await page.locator('[data-testid=item] [data-testid=suggestion]').count()).toBe(0)
      await shot(page, 'suggestions')

      // No context at all, only a suggestion: it shows, and "nothing is stored here" does not.
      await devops.put(ONLY_SUGGESTED, { summary: 'Put an LRU in front of the store' }, { as: 'devops_engineer', type: 'suggestion' })
      await readInApp(page, ONLY_SUGGESTED)
      await page.getByTestId('no-context').waitFor({ timeout: 20_000 })
      expect(await page.locator('.error').count()).toBe(0)
      expect(await page.getByTestId('item').count()).toBe(0)
      expect((await shown()).map(({ role, summary }) => ({ role, summary }))).toEqual([{ role: 'devops_engineer', summary: 'Put an LRU in front of the store' }])
    } finally {
      await devops.stop()
      await qa.stop()
    }
  })

  // Issue 10 finding 10: ?relay= replaced every relay a tab knew.
  it('adds ?relay= relays to the ones the page and the invite name', async () => {
    const other = await browser.newContext()
    try {
      const tab = await other.newPage()
      const extra = '/ip4/127.0.0.1/tcp/9/ws/p2p/12D3KooWGiZzNMozQkK7dTj62JQvVqMPZymBM1i5mAZeCUuhKsp2'
      const invite = await createTestInvite(network, ['backend_developer'], ['/ip4/127.0.0.1/tcp/10/ws/p2p/12D3KooWGiZzNMozQkK7dTj62JQvVqMPZymBM1i5mAZeCUuhKsp2'], 'Relay list')
      await tab.goto(`${server.url}/?relay=${encodeURIComponent(extra)}#invite=${inviteToFragment(invite)}`)
      await connected(tab)
      // An unsealed link still works, and the app says that history keeps it.
      await tab.getByTestId('leaked-link').waitFor()
      const known = await tab.evaluate(() => (globalThis as any).slurp.bootstrap as string[])
      expect(known).toContain(extra)
      expect(known).toContain(invite.bootstrap[0])
      for (const relay of relays) expect(known.some(address => address.includes(relay.libp2p.peerId.toString()))).toBe(true)
    } finally {
      await other.close()
    }
  })

  // Issue 10 finding 10: connect-src allowed WebSockets and http(s) to anywhere.
  it('serves the app with connect-src bounded to its origin and the relays\' hosts', async () => {
    const response = await fetch(`${server.url}/`)
    const connect = (response.headers.get('content-security-policy') ?? '').split(';').map(part => part.trim()).find(part => part.startsWith('connect-src')) ?? ''
    const sources = connect.split(' ').slice(1)
    expect(sources).toContain("'self'")
    expect(sources).toContain('ws://127.0.0.1:*')
    for (const wide of ['ws:', 'wss:', 'http:', 'https:', '*']) expect(sources).not.toContain(wide)
  })

  it('picks up rotated keys by itself: a key bundle from the mesh opens what is written after a rotation', async () => {
    const admin = new TestKeyAdmin(network)
    const invite = await createTestInvite(network, ['backend_developer'], [], 'Bob (rotation)')
    admin.register(toBase64url(decodeCertificate(fromBase64url(invite.member.certificate)).member), ['backend_developer'])
    const bob = await browser.newContext()
    try {
      const tab = await bob.newPage()
      await tab.goto(`${server.url}/#invite=${inviteToFragment(invite)}`)
      await connected(tab)
      await tab.click('[data-tab=keys]')
      expect(await tab.getByTestId('key-epochs').textContent()).toContain('Policy version 1')

      const signed = await admin.rotate(['backend_developer'])
      expect(await relays[0]?.policyBook.offer(signed)).toBe(true)
      await expect.poll(() => nodePeer.policy.version, { timeout: 20_000 }).toBe(2)
      const address = 'ucxl://webapp/src/after-rotation.ts'
      await nodePeer.put(address, { summary: 'written after the rotation' }, { as: 'backend_developer' })

      await tab.getByTestId('keys-changed').waitFor({ timeout: 20_000 })
      expect(await tab.getByTestId('keys-changed').textContent()).toContain('New keys arrived for backend_developer')
      expect(await tab.getByTestId('key-epochs').locator('[data-testid=epoch]').allTextContents()).toContain('2')
      await shot(tab, 'keys-rotated')
      await readInApp(tab, address)
      await expect.poll(async () => await tab.getByTestId('summary').textContent(), { timeout: 20_000 }).toBe('written after the rotation')
    } finally {
      await bob.close()
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
    // A write with no relay is kept for later, said plainly, not a raw libp2p error.
    await page.setViewportSize({ width: 1280, height: 800 })
    await writeQueued(page, 'ucxl://webapp/src/offline.ts', 'written while offline')
    expect(await page.getByTestId('queued').textContent()).toContain('will be written when a relay is back (1 waiting)')
    expect(await page.evaluate(async () => (await (globalThis as any).slurp.outbox.pending()).map((write: { address: string }) => write.address))).toEqual(['ucxl://webapp/src/offline.ts'])
  })
})

/** Like writeInApp, for a write that no relay takes: it waits for the queued note instead. */
async function writeQueued (target: Page, address: string, summary: string): Promise<void> {
  await target.click('[data-tab=write]')
  await target.fill('form[data-form=write] input[name=address]', address)
  await target.fill('form[data-form=write] input[name=summary]', summary)
  await target.click('form[data-form=write] button[type=submit]')
  await target.getByTestId('queued').waitFor({ timeout: 60_000 })
}

/** How far the page is wider than the window (> 0: something overflows sideways). */
async function overflow (target: Page): Promise<number> {
  return await target.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}
