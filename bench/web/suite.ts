import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { chromium } from 'playwright'
import type { Page } from 'playwright'
import { build } from 'vite'
import { inviteToFragment } from '../../src/invite/invite.ts'
import { RelayNode } from '../../src/relay.ts'
import { SlurpPeer } from '../../src/peer.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { serveHttp } from '../../relay/http/serve.node.ts'
import { loadWebAssets } from '../../relay/http/web-assets.ts'
import { createTestInvite, createTestMember, createTestNetwork } from '../../test/helpers/network.ts'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/web/chromium.ts'
import type { BenchOptions } from '../options.ts'
import { showProgress as progress } from '../progress.ts'
import type { Row, Section } from '../section.ts'
import { median, summarize } from '../stats.ts'

const root = process.cwd()
const GOALS = { connectedMs: 1000, cachedReadMs: 1, peerEntryGzipKb: 300 }

/**
 * The browser peer as users meet it: the built bundle's size, a cold page
 * load until the tab is connected to a relay, put and get from the page and
 * reads from its IndexedDB cache — beside a Node peer on the same relays.
 */
export async function webSuite (options: BenchOptions, emit: (section: Section) => void): Promise<string[]> {
  const sizes = await bundleSizes()
  const goals: string[] = [
    goal('peer entry, every export (gzip)', sizes.peerEntry / 1024, GOALS.peerEntryGzipKb, 'kB'),
    goal('embed example bundle (gzip)', sizes.embed / 1024, GOALS.peerEntryGzipKb, 'kB')
  ]
  const network = await createTestNetwork()
  const relays: RelayNode[] = []
  const outDir = await mkdtemp(join(tmpdir(), 'slurp-bench-web-'))
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  let node: SlurpPeer | undefined
  try {
    await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } })
    for (let i = 0; i < 3; i++) {
      const relay = new RelayNode({
        network: { rootPublicKey: network.root.publicKey, policy: network.policy },
        certificate: certifyWithRoot(network.root),
        store: createMemoryStore(),
        bootstrap: relays.map(r => r.multiaddrs()[0] as string),
        node: { listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'] }
      })
      await relay.start()
      relays.push(relay)
    }
    const server = await serveHttp(createRelayApp({ relay: relays[0] as RelayNode, web: await loadWebAssets(outDir) }), { hostname: '127.0.0.1', port: 0 })
    const member = await createTestMember(network, ['backend_developer'])
    node = new SlurpPeer({
      network: { rootPublicKey: network.root.publicKey, policy: network.policy },
      member: { signer: member.signer, certificate: member.certificate },
      keyring: await network.keyring('backend_developer'),
      bootstrap: relays.map(r => r.multiaddrs()[0] as string)
    })
    await node.start()
    const url = `${server.url}/#invite=${inviteToFragment(await createTestInvite(network, ['backend_developer']))}`

    // Cold loads: a new browser context each time (empty HTTP cache and IndexedDB), invite import included.
    const loads: number[] = []
    const coldRuns = options.quick ? 3 : 7
    for (let i = 0; i < coldRuns; i++) {
      progress(`web: cold page load ${i + 1}/${coldRuns}`)
      const context = await browser.newContext()
      const page = await context.newPage()
      const started = performance.now()
      await page.goto(url)
      await page.locator('[data-phase="connected"]').waitFor({ timeout: 30_000 })
      loads.push(performance.now() - started)
      await context.close()
    }

    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(url)
    await page.locator('[data-phase="connected"]').waitFor({ timeout: 30_000 })
    const count = options.quick ? 10 : 40
    progress('web: put and get from the page')
    const inPage = await pagePutGet(page, count)
    progress('web: put and get from a Node peer')
    const inNode = await nodePutGet(node, count)
    progress('web: cached reads')
    const cached = await page.evaluate(async (n: number) => {
      const peer = (globalThis as any).slurp.peer
      const times: number[] = []
      for (let i = 0; i < n; i++) {
        const started = performance.now()
        await peer.cached(`ucxl://bench/page/${i % 10}`)
        times.push(performance.now() - started)
      }
      return times
    }, options.quick ? 100 : 500)
    await context.close()
    await server.close()

    const row = (id: string, name: string, values: number[]): Row => ({ id, name, result: { ...summarize(values), batch: 1 } })
    emit({
      title: `Browser peer (Chromium, 3 relays over WebSockets on loopback; ${coldRuns} cold loads, ${count} puts/gets)`,
      baselines: [{ label: '× Node peer', id: 'node' }],
      groups: [
        { label: 'page load → connected to a relay', rows: [row('page', 'cold load + invite import + dial', loads)] },
        { label: 'put (encrypt, sign, 3 replicas)', rows: [row('page', 'from the page', inPage.puts), row('node', 'Node peer, same relays', inNode.puts)] },
        { label: 'get (fetch, verify, decrypt)', rows: [row('page', 'from the page', inPage.gets), row('node', 'Node peer, same relays', inNode.gets)] },
        { label: 'cached read (IndexedDB)', rows: [row('page', 'peer.cached() in the page', cached)] }
      ],
      notes: [
        `bundle: peer entry, every export ${(sizes.peerEntry / 1024).toFixed(1)} kB gzip (${(sizes.peerEntryRaw / 1024).toFixed(0)} kB minified); the embed example ${(sizes.embed / 1024).toFixed(1)} kB gzip; whole app ${(sizes.app / 1024).toFixed(1)} kB gzip (JS + CSS + HTML)`
      ]
    })
    goals.push(goal('page load → connected, median', median(loads), GOALS.connectedMs, 'ms'))
    goals.push(goal('cached read, median', median(cached), GOALS.cachedReadMs, 'ms'))
    return goals
  } finally {
    await browser.close()
    await node?.stop()
    await Promise.all(relays.map(async relay => await relay.stop()))
    await rm(outDir, { recursive: true, force: true })
  }
}

async function pagePutGet (page: Page, count: number): Promise<{ puts: number[], gets: number[] }> {
  return await page.evaluate(async (n: number) => {
    const peer = (globalThis as any).slurp.peer
    const puts: number[] = []
    const gets: number[] = []
    for (let i = 0; i < n; i++) {
      const address = `ucxl://bench/page/${i % 10}`
      let started = performance.now()
      await peer.put(address, { summary: `page write ${i}`, body: 'x'.repeat(1024) }, { as: 'backend_developer' })
      puts.push(performance.now() - started)
      started = performance.now()
      await peer.get(address)
      gets.push(performance.now() - started)
    }
    return { puts, gets }
  }, count)
}

async function nodePutGet (peer: SlurpPeer, count: number): Promise<{ puts: number[], gets: number[] }> {
  const puts: number[] = []
  const gets: number[] = []
  for (let i = 0; i < count; i++) {
    const address = `ucxl://bench/node/${i % 10}`
    let started = performance.now()
    await peer.put(address, { summary: `node write ${i}`, body: 'x'.repeat(1024) }, { as: 'backend_developer' })
    puts.push(performance.now() - started)
    started = performance.now()
    await peer.get(address)
    gets.push(performance.now() - started)
  }
  return { puts, gets }
}

/** The app as vite builds it, and the package's browser entry bundled alone (what an agent UI adds). */
async function bundleSizes (): Promise<{ peerEntry: number, peerEntryRaw: number, embed: number, app: number }> {
  progress('web: building the bundles')
  const libDir = await mkdtemp(join(tmpdir(), 'slurp-bench-lib-'))
  const appDir = await mkdtemp(join(tmpdir(), 'slurp-bench-app-'))
  const embedDir = await mkdtemp(join(tmpdir(), 'slurp-bench-embed-'))
  const lib = async (entry: string, outDir: string): Promise<void> => {
    await build({
      configFile: false,
      logLevel: 'warn',
      resolve: { conditions: ['slurp-source', 'browser', 'module', 'import', 'default'] },
      build: { outDir, emptyOutDir: true, target: 'es2022', minify: true, lib: { entry, formats: ['es'], fileName: 'bundle' } }
    })
  }
  try {
    // Every export of the entry, so nothing is tree-shaken away: the most a page can load.
    await lib(join(root, 'src/index.browser.ts'), libDir)
    // What an agent UI ships when it embeds <slurp-context> as web/embed.html does.
    await lib(join(root, 'web/src/embed.ts'), embedDir)
    await build({ configFile: join(root, 'web/vite.config.ts'), logLevel: 'warn', build: { outDir: appDir, emptyOutDir: true } })
    const entry = await filesUnder(libDir, /\.js$/)
    const gzipped = (files: Buffer[]): number => files.reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0)
    return {
      peerEntry: gzipped(entry),
      peerEntryRaw: entry.reduce((sum, bytes) => sum + bytes.length, 0),
      embed: gzipped(await filesUnder(embedDir, /\.js$/)),
      app: gzipped(await filesUnder(appDir, /\.(js|css|html)$/))
    }
  } finally {
    await rm(embedDir, { recursive: true, force: true })
    await rm(libDir, { recursive: true, force: true })
    await rm(appDir, { recursive: true, force: true })
  }
}

async function filesUnder (folder: string, pattern: RegExp): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && pattern.test(entry.name)) out.push(await readFile(join(entry.parentPath, entry.name)))
  }
  return out
}

function goal (label: string, value: number, limit: number, unit: string): string {
  return `  ${value <= limit ? 'PASS' : 'FAIL'}  ${label}: ${value.toFixed(unit === 'ms' && value < 10 ? 3 : 1)} ${unit} (≤ ${limit} ${unit})`
}
