import { spawn } from 'node:child_process'
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkDir } from '../../relay/network-dir.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { projectRoot } from '../helpers/cli.ts'
import { slurpInProcess } from '../helpers/in-process-cli.ts'
import { cliCommand, startServerProcess } from '../helpers/relay-process.ts'
import type { RelayProcess } from '../helpers/relay-process.ts'

// Issue 13's process test: three relays and three coordinators from the CLI,
// "slurp index" of a fixture repository, the leader SIGKILLed halfway. Every
// file ends with exactly one context record, readable by the requested role's
// readers and refused to the others.

const FILES = 40
let base: string
let dirs: string[]
const relays: RelayProcess[] = []
const coordinators: RelayProcess[] = []
let voterAddrs: string[]
let bootstrap: string

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => { resolve(port) })
    })
  })
}

/** A second member's directory: the admin's, with its own member key certified for the leader role. */
async function memberDir (from: string, to: string): Promise<string> {
  await cp(from, to, { recursive: true })
  const admin = new NetworkDir(from)
  const dir = new NetworkDir(to)
  const { key, seed } = await generateSigningKey()
  const now = Date.now()
  await dir.writeSecretKey('member.key', seed)
  await dir.writeMember(await issueCertificate(await admin.readRootKey(), { member: key.publicKey, roles: ['project_manager'], notBefore: now - 60_000, notAfter: now + 86_400_000 }))
  return toBase64url(key.publicKey)
}

async function fixtureRepo (root: string): Promise<void> {
  await mkdir(join(root, 'src', 'util'), { recursive: true })
  for (let i = 0; i < FILES; i++) {
    const folder = i % 3 === 0 ? 'src/util' : 'src'
    await writeFile(join(root, folder, `mod${i}.ts`), `/** Module ${i}: adds ${i}. */\nexport function add${i} (x: number): number {\n  return x + ${i}\n}\n`)
  }
  await writeFile(join(root, 'README.md'), '# Fixture\n\nA repository to index.\n')
  await writeFile(join(root, 'logo.png'), Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0))
  await writeFile(join(root, '.gitignore'), 'build/\n')
  await mkdir(join(root, 'build'))
  await writeFile(join(root, 'build', 'out.js'), 'ignored()\n')
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-generation-'))
  const admin = join(base, 'admin')
  expect((await slurpInProcess(['init', '--dir', admin])).code).toBe(0)
  const keys = [toBase64url((await new NetworkDir(admin).readMember()).signer.publicKey)]
  dirs = [admin]
  for (const name of ['voter2', 'voter3']) {
    const to = join(base, name)
    keys.push(await memberDir(admin, to))
    dirs.push(to)
  }
  const set = await slurpInProcess(['voters', 'set', ...keys.flatMap(key => [`--member=${key}`]), '--dir', admin])
  expect(set.code, set.stderr).toBe(0)
  for (const dir of dirs.slice(1)) await cp(join(admin, 'policy.json'), join(dir, 'policy.json'))

  for (let i = 0; i < 3; i++) {
    const relay = await startServerProcess('node', 'relay', ['--dir', admin, '--data', join(base, `relay-${i}`), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', ...(i === 0 ? [] : ['--bootstrap', bootstrap])])
    relays.push(relay)
    bootstrap ??= relay.ready.multiaddrs[0] as string
  }
  const ports = [await freePort(), await freePort(), await freePort()]
  const ids = await Promise.all(dirs.map(async dir => {
    const { voterPeerId } = await import('../../src/coordinator/voter-identity.ts')
    return voterPeerId((await new NetworkDir(dir).readMember()).signer.publicKey).toString()
  }))
  voterAddrs = ports.map((port, i) => `/ip4/127.0.0.1/tcp/${port}/p2p/${ids[i] as string}`)
  for (const [i, dir] of dirs.entries()) {
    coordinators.push(await startServerProcess('node', 'coordinator', [
      '--dir', dir, '--data', join(base, `coordinator-${i}`), '--listen', `/ip4/127.0.0.1/tcp/${ports[i] as number}`,
      '--bootstrap', bootstrap, ...voterAddrs.flatMap(addr => ['--voter', addr]), '--log-level', 'debug'
    ]))
  }
  await fixtureRepo(join(base, 'repo'))
}, 180_000)

afterAll(async () => {
  for (const process of [...coordinators, ...relays]) await process.stop().catch(() => {})
  if (base !== undefined) await rm(base, { recursive: true, force: true })
})

describe('slurp index across three coordinators, the leader killed halfway', () => {
  it('generates every file once, through the failover, readable by the right roles only', async () => {
    const [command, prefix] = cliCommand('node')
    const index = spawn(command, [...prefix, 'index', join(base, 'repo'), '--dir', dirs[0] as string, '--as', 'devops_engineer', '--project', 'fx',
      '--bootstrap', bootstrap, ...voterAddrs.flatMap(addr => ['--voter', addr]), '--json'], { cwd: projectRoot })
    let stdout = ''
    let stderr = ''
    index.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    index.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    const exited = new Promise<number | null>(resolve => index.on('close', resolve))

    // Halfway: once the leader has logged ten generations, it is killed without a word.
    const generated = (c: RelayProcess): number => c.output().split('\n').filter(line => / done in \d+ ms/.test(line)).length
    let killed: RelayProcess | undefined
    const deadline = Date.now() + 120_000
    while (killed === undefined && Date.now() < deadline) {
      killed = coordinators.find(c => generated(c) >= 10)
      if (killed === undefined) await new Promise(resolve => setTimeout(resolve, 20))
    }
    expect(killed, 'a leader generated ten files').toBeDefined()
    killed?.child.kill('SIGKILL')

    const code = await exited
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    const summary = JSON.parse(stdout)
    expect(summary).toMatchObject({ files: FILES + 2, failed: [], interrupted: false })
    expect(summary.skipped).toEqual([{ path: 'logo.png', reason: 'binary' }])
    expect(summary.generated).toBe(summary.files + summary.folders)
    // The survivors did the rest: someone other than the killed leader generated files after it died.
    expect(coordinators.filter(c => c !== killed).some(c => generated(c) > 0)).toBe(true)

    // Every file and folder is there, each at its own address, listed once.
    const exported = await slurpInProcess(['export', '--project', 'fx', '--dir', dirs[0] as string, '--bootstrap', bootstrap])
    expect(exported.code, exported.stderr).toBe(0)
    const addresses = exported.stdout.trim().split('\n').map(line => JSON.parse(line).address as string)
    expect(addresses.length).toBe(summary.files + summary.folders)
    expect(new Set(addresses).size).toBe(addresses.length)

    for (const path of ['src/mod1.ts', 'src/util/mod3.ts', 'README.md', 'src/util']) {
      const read = await slurpInProcess(['get', `ucxl://fx/${path}`, '--dir', dirs[0] as string, '--role', 'backend_developer', '--bootstrap', bootstrap, '--meta'])
      expect(read.code, read.stderr).toBe(0)
      const answer = read.json()
      expect(answer.conflicts ?? []).toEqual([])
      expect(answer.item.creatorRole).toBe('project_manager')
      const denied = await slurpInProcess(['get', `ucxl://fx/${path}`, '--dir', dirs[0] as string, '--role', 'frontend_developer', '--bootstrap', bootstrap])
      expect(denied.code).toBe(4)
    }
    const mod1 = (await slurpInProcess(['get', 'ucxl://fx/src/mod1.ts', '--dir', dirs[0] as string, '--role', 'devops_engineer', '--bootstrap', bootstrap, '--meta'])).json()
    expect(`${mod1.item.summary as string} ${mod1.item.purpose as string}`).toContain('add1')
  }, 240_000)
})
