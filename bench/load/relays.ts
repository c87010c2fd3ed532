import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { issueCertificate } from '../../src/trust/certificate.ts'
import { increment } from '../../src/clock/vector-clock.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { recordKey } from '../../src/record/record-key.ts'
import { sealRecord } from '../../src/record/seal.ts'
import { NetworkDir } from '../../relay/network-dir.ts'
import type { ClientRecord, Target } from './protocol.ts'

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))
/** This process's Node flags (--conditions=slurp-source, --import tsx): children run from source too. */
const SOURCE = process.execArgv.filter(arg => !arg.startsWith('--inspect'))
/** LOAD_RELAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" profiles the relay (split on spaces). */
const RELAY_NODE_ARGS = (process.env.LOAD_RELAY_NODE_ARGS ?? '').split(' ').filter(arg => arg !== '')
/** LOAD_RELAY_DEBUG=libp2p:upgrader* turns on libp2p's debug log in the relay only (not in the clients). */
const RELAY_ENV = { ...process.env, ...(process.env.LOAD_RELAY_DEBUG === undefined ? {} : { DEBUG: process.env.LOAD_RELAY_DEBUG }) }

export interface RelayUnderLoad {
  readonly target: Target
  readonly pid: number
  /** Its first TCP multiaddr, with /p2p/. */
  readonly address: string
  readonly http: string
  /** Slurp only: one signed record per client, for the clients to write and read. */
  readonly records?: readonly ClientRecord[]
  /** SIGTERM, then SIGKILL after 20 s; removes what it wrote on disk. */
  stop (): Promise<void>
}

/**
 * Starts the relay under load in a process of its own, so its RSS, CPU and
 * descriptors are its own: for slurp the real CLI (`slurp init`, then `slurp
 * relay` with its defaults, LevelDB in a temporary folder, logs at warn), for
 * the reference vanilla-relay.ts.
 */
export async function startRelayUnderLoad (target: Target, clients: number, heapMb: number): Promise<RelayUnderLoad> {
  const nodeArgs = [...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []), ...RELAY_NODE_ARGS]
  if (target === 'vanilla') {
    const child = spawn(process.execPath, [...nodeArgs, ...SOURCE, fileURLToPath(new URL('./vanilla-relay.ts', import.meta.url))], { cwd: REPOSITORY, env: RELAY_ENV, stdio: ['ignore', 'pipe', 'inherit'] })
    const ready = await readyLine(child)
    return { target, pid: child.pid as number, address: withPeer(ready), http: ready.http as string, stop: async () => { await terminate(child) } }
  }
  const dir = await mkdtemp(join(tmpdir(), 'slurp-load-'))
  try {
    await cli(['init', '--dir', dir])
    const records = await sealClientRecords(new NetworkDir(dir), clients)
    const child = spawn(process.execPath, [...nodeArgs, ...SOURCE, 'relay/cli.ts', 'relay', '--dir', dir, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--web', 'off', '--log-level', 'warn'], {
      cwd: REPOSITORY,
      env: RELAY_ENV,
      stdio: ['ignore', 'pipe', 'inherit']
    })
    const ready = await readyLine(child)
    return {
      target,
      pid: child.pid as number,
      address: withPeer(ready),
      http: ready.http as string,
      records,
      stop: async () => {
        await terminate(child)
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * A record per client, each written by a member of its own (a member's write
 * quota is per minute: one member for a thousand clients would be throttled,
 * which is not what this measures), as backend_developer context.
 */
async function sealClientRecords (dir: NetworkDir, count: number): Promise<ClientRecord[]> {
  const root = await dir.readRootKey()
  const records: ClientRecord[] = []
  for (let i = 0; i < count; i++) {
    const { key: signer } = await generateSigningKey()
    const certificate = await issueCertificate(root, { member: signer.publicKey, roles: ['backend_developer'], notBefore: Date.now() - 60_000, notAfter: Date.now() + 86_400_000 })
    const key = await recordKey(`ucxl://load-bench/clients/${i}`, 'context')
    const sealed = await sealRecord({
      key,
      clock: increment({}, toBase64url(signer.publicKey)),
      signer,
      certificate,
      role: 'backend_developer',
      contentType: 'context',
      created: Date.now(),
      updated: Date.now(),
      ciphertext: crypto.getRandomValues(new Uint8Array(512))
    })
    records.push({ key, bytes: toBase64url(sealed.bytes) })
  }
  return records
}

interface Ready { peerId: string, multiaddrs: string[], http: string | null }

function withPeer (ready: Ready): string {
  const address = ready.multiaddrs.find(a => a.includes('/tcp/') && !a.includes('/ws')) as string
  return address.includes('/p2p/') ? address : `${address}/p2p/${ready.peerId}`
}

async function readyLine (child: ChildProcess): Promise<Ready> {
  let buffered = ''
  return await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('the relay was not ready within 60 s')) }, 60_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const line = buffered.split('\n').find(l => l.includes('"event":"ready"'))
      if (line !== undefined) {
        clearTimeout(timer)
        resolve(JSON.parse(line) as Ready)
      }
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`the relay exited with ${String(code)} before it was ready`)) })
  })
}

async function cli (args: string[]): Promise<void> {
  const child = spawn(process.execPath, [...SOURCE, 'relay/cli.ts', ...args], { cwd: REPOSITORY, stdio: ['ignore', 'ignore', 'inherit'] })
  const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
  if (code !== 0) throw new Error(`slurp ${args[0] as string} exited with ${String(code)}`)
}

async function terminate (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}
