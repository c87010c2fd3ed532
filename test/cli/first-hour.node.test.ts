import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import type { AddressInfo, Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseInvite } from '../../src/invite/invite.ts'
import { projectRoot, slurp as slurpProcess } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import { DEFAULT_PORT_BASE, startOptions, startPlan, takenPorts } from '../../scripts/start-plan.mjs'
import { slurpInProcess as slurp } from '../helpers/in-process-cli.ts'

// What a new user meets in the first hour (issue 14 §6): ports npm start
// holds, relays whose web app can reach them, invites that stay private and
// name relays their reader can dial.

interface Run { code: number, stdout: string, stderr: string }

/** Something listening on a port of 127.0.0.1, as another program would. */
async function holdPort (): Promise<{ port: number, server: Server }> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, server }
}

async function release (server: Server): Promise<void> {
  await new Promise<void>(resolve => server.close(() => { resolve() }))
}

let base: string
let dir: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-first-hour-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

describe('npm start', () => {
  it('takes its ports from --port-base or SLURP_PORT_BASE, 4000 by default', () => {
    expect(startOptions([], {}).portBase).toBe(DEFAULT_PORT_BASE)
    expect(startPlan().ports).toEqual([4001, 4002, 4080, 4011, 4012, 4021, 4022, 4090, 4091])
    expect(startPlan().webUrl).toBe('http://127.0.0.1:4080/')
    expect(startOptions(['--port-base', '5100'], {}).portBase).toBe(5100)
    expect(startOptions(['--port-base=5200', '--show-invite'], { SLURP_PORT_BASE: '5100' })).toEqual({ portBase: 5200, inviteOnly: false, showInvite: true })
    expect(startOptions([], { SLURP_PORT_BASE: '6000' }).portBase).toBe(6000)
    expect(startPlan(6000).relays[1]?.args).toEqual(['--listen', '/ip4/127.0.0.1/tcp/6011', '--listen', '/ip4/127.0.0.1/tcp/6012/ws', '--http', 'off'])
    expect(() => startOptions(['--port-base', '80'], {})).toThrow(/takes a whole number from 1024/)
    expect(() => startOptions(['--port', '5000'], {})).toThrow(/usage: npm start -- \[--port-base N\]/)
  })

  it('says which of its ports is taken and how to choose others, before starting anything', async () => {
    const { port, server } = await holdPort()
    try {
      expect(await takenPorts([port])).toEqual([port])
      // Relay 1's TCP port is base + 1.
      const code = await new Promise<{ code: number | null, stderr: string }>(resolve => {
        const child = spawn(process.execPath, ['scripts/start.mjs', '--port-base', String(port - 1)], { cwd: projectRoot, env: { ...process.env, SLURP_DIR: join(base, 'start') } })
        let stderr = ''
        child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
        child.on('close', exit => { resolve({ code: exit, stderr }) })
      })
      expect(code.code).toBe(1)
      expect(code.stderr).toContain(`port ${port} on 127.0.0.1 is taken`)
      expect(code.stderr).toMatch(/npm start -- --port-base \d+ {5}\(or SLURP_PORT_BASE=\d+ npm start/)
    } finally {
      await release(server)
    }
    // Nothing was created: it stopped before the network.
    await expect(stat(join(base, 'start'))).rejects.toThrow()
  })

  it('runs relays whose /v1/bootstrap gives the web app addresses a browser can dial', async () => {
    let portBase = 20_000 + Math.floor(Math.random() * 400) * 100
    while ((await takenPorts(startPlan(portBase).ports)).length > 0) portBase += 100
    const [first] = startPlan(portBase).relays
    const relay = await startRelayProcess('node', ['--dir', dir, '--data', join(base, 'start-relay'), ...first?.args ?? [], '--log-level', 'debug'])
    try {
      expect(relay.ready.http).toBe(`http://127.0.0.1:${portBase + 80}`)
      const body = await (await fetch(`${relay.ready.http as string}/v1/bootstrap`)).json() as { relays: Array<{ peerId: string, multiaddrs: string[] }> }
      expect(body.relays).toEqual([{ peerId: relay.ready.peerId, multiaddrs: [`/ip4/127.0.0.1/tcp/${portBase + 2}/ws/p2p/${relay.ready.peerId}`] }])
      // A write through it shows in its log: the peer joining, the record stored.
      const put = await slurpProcess(['put', 'ucxl://first-hour/notes', '--dir', dir, '--as', 'backend_developer', '--replicas', '1', '--bootstrap', relay.ready.multiaddrs[0] as string], { input: 'logged' })
      expect(put.code).toBe(0)
    } finally {
      expect(await relay.stop()).toBe(0)
    }
    expect(relay.output()).toMatch(/ debug peer connected 12D3\w+ \(1 peers\)/)
    expect(relay.output()).toMatch(/ debug stored \/slurp\/\S+ \(first-hand\)/)
    // The summary written as it stopped.
    expect(relay.output()).toMatch(/ info {2}peers \d+ \(\+1 −\d\), stored [1-9]\d* \([1-9]\d* first-hand, 0 from relays\), rejected 0/)
  }, 60_000)
})

describe('slurp relay', () => {
  it('says a listen port is taken (EADDRINUSE) instead of libp2p\'s advice', async () => {
    const { port, server } = await holdPort()
    try {
      const run = await slurp(['relay', '--dir', dir, '--data', join(base, 'taken'), '--listen', `/ip4/127.0.0.1/tcp/${port}`, '--http', 'off'])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`UsageError: cannot listen on /ip4/127.0.0.1/tcp/${port}: the port is taken (EADDRINUSE)`)
      expect(run.stderr).toContain('Choose other addresses with --listen')
      expect(run.stderr).not.toMatch(/faultTolerance|\n\s+at /)
    } finally {
      await release(server)
    }
  }, 30_000)

  it('says its HTTP port is taken', async () => {
    const { port, server } = await holdPort()
    try {
      const run = await slurp(['relay', '--dir', dir, '--data', join(base, 'taken-http'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', `127.0.0.1:${port}`, '--web', 'off'])
      expect(run.code).toBe(2)
      expect(run.stderr).toContain(`UsageError: cannot serve HTTP on 127.0.0.1:${port}: the port is taken (EADDRINUSE)`)
    } finally {
      await release(server)
    }
  }, 30_000)

  it('refuses to serve the web app without an address a browser can dial, and an unknown log level', async () => {
    const web = join(base, 'web')
    await mkdir(join(web, 'assets'), { recursive: true })
    await writeFile(join(web, 'index.html'), '<!doctype html>')
    const run = await slurp(['relay', '--dir', dir, '--data', join(base, 'tcp-only'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--web', web])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/--web serves the web app, but no --listen address is one a browser can dial \(\/ip4\/127\.0\.0\.1\/tcp\/0\): add one such as \/ip4\/127\.0\.0\.1\/tcp\/4002\/ws/)
    const level = await slurp(['relay', '--dir', dir, '--log-level', 'loud'])
    expect(level.code).toBe(2)
    expect(level.stderr).toMatch(/--log-level takes error, warn, info, debug/)
  })
})

describe('slurp invite', () => {
  it('--out writes 0600 and never replaces a file unless --force; stdout gets a warning', async () => {
    const out = join(base, 'bob.invite.json')
    await writeFile(out, 'keep me')
    const refused = await slurp(['invite', '--dir', dir, '--roles', 'observer', '--out', out])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/already exists: pass --force/)
    expect(await readFile(out, 'utf8')).toBe('keep me')
    const forced = await slurp(['invite', '--dir', dir, '--roles', 'observer', '--out', out, '--force'])
    expect(forced.code).toBe(0)
    expect(forced.stderr).toBe('')
    expect((await stat(out)).mode & 0o777).toBe(0o600)
    expect(parseInvite(await readFile(out, 'utf8')).format).toBe('slurp-invite/1')
    const printed = await slurp(['invite', '--dir', dir, '--roles', 'observer'])
    expect(printed.code).toBe(0)
    expect(parseInvite(printed.stdout).format).toBe('slurp-invite/1')
    expect(printed.stderr).toMatch(/warning: the invite holds secret keys; .* use --out FILE \(mode 0600\)/)
    expect((await slurp(['invite', '--dir', dir, '--roles', 'observer', '--out', out, '--url', 'http://127.0.0.1:4080/'])).code).toBe(2)
  })

  it('--url warns when the invite names no relay its reader can dial', async () => {
    const invite = async (url: string, ...bootstrap: string[]): Promise<Run> =>
      await slurp(['invite', '--dir', dir, '--roles', 'observer', '--url', url, ...bootstrap.flatMap(address => ['--bootstrap', address])])
    const privateOnly = await invite('http://relay.example:4080/', '/ip4/10.0.0.5/tcp/4002/ws', '/ip4/127.0.0.1/tcp/4002/ws')
    expect(privateOnly.code).toBe(0)
    expect(privateOnly.stderr).toMatch(/warning: the invite's relays \(\/ip4\/10\.0\.0\.5\/tcp\/4002\/ws, \/ip4\/127\.0\.0\.1\/tcp\/4002\/ws\) are all on private networks, which browsers opening relay\.example cannot reach; pass --bootstrap/)
    expect((await invite('http://192.168.1.5:4080/', '/ip4/127.0.0.1/tcp/4002/ws')).stderr).toMatch(/are all on this machine, which browsers opening 192\.168\.1\.5 cannot reach/)
    expect((await invite('http://relay.example:4080/', '/dns4/relay.example/tcp/4001')).stderr).toMatch(/none of the invite's relays that relay\.example can reach \(\/dns4\/relay\.example\/tcp\/4001\) listens on a transport browsers dial/)
    expect((await invite('http://relay.example:4080/', '/ip4/127.0.0.1/tcp/4002/ws', '/dns4/relay.example/tcp/443/wss')).stderr).toBe('')
    expect((await invite('http://192.168.1.5:4080/', '/ip4/192.168.1.5/tcp/4002/ws')).stderr).toBe('')
    const bad = await invite('http://relay.example:4080/', 'relay.example:4001')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--bootstrap takes multiaddrs/)
  })
})
