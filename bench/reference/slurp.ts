// One round of the slurp side of `npm run bench:reference`, in a process of its
// own: a network made by `slurp init`, three `slurp relay` processes (the CLI
// from source, LevelDB stores, loopback TCP), and this process as the writer,
// a SlurpPeer (the public API) writing 1,000 documents of 1 KiB one after the
// other. A write counts when k relays acknowledged it (minReplicas = k).
// Then, at k = 3, one relay is stopped and a fresh one (new identity, empty
// store) started in its place: how long until it holds every document.
// Sends the result to the runner as an IPC "result" message (or prints it as JSON when run alone).
// First: libp2p needs Promise.withResolvers, which Node 20 lacks.
import '../../src/runtime/node-shim.ts'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SlurpPeer } from '../../src/index.ts'
import { NetworkDir } from '../../relay/network-dir.ts'
import { DOCS, WARMUP, docBody, finish, ownTempDir, startChild, timeSequentialWrites, until } from './common.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ROLE = 'backend_developer'
const RELAYS = 3
const options = JSON.parse(process.argv[2] ?? '{}') as { tmp?: string, round?: number, factors?: number[] }
const round = options.round ?? 1
const factors = options.factors ?? [1, 3]

/** The CLI from source, with this process's Node (as test/helpers/relay-process.ts runs it). */
const cli = (args: string[], label: string): ReturnType<typeof startChild> =>
  startChild(process.execPath, ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts', ...args], { cwd: ROOT, label, quiet: true })

interface Relay {
  handle: ReturnType<typeof startChild>
  peerId: string
  multiaddr: string
  http: string
  readyMs: number
}

async function startRelay (dir: string, data: string, bootstrap: string[], label: string): Promise<Relay> {
  const args = ['relay', '--dir', dir, '--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--web', 'off', '--min-free', '0']
  for (const address of bootstrap) args.push('--bootstrap', address)
  const handle = cli(args, label)
  const ready = await until(() => handle.output().includes('"event":"ready"') || handle.child.exitCode !== null, { timeoutMs: 60_000, everyMs: 10, what: `${label} ready` })
  const line = handle.output().split('\n').find(l => l.includes('"event":"ready"'))
  if (line === undefined) throw new Error(`${label} did not start:\n${handle.output()}`)
  const parsed = JSON.parse(line) as { peerId: string, multiaddrs: string[], http: string }
  const tcp = parsed.multiaddrs.find(a => a.includes('/tcp/') && !a.includes('/ws')) ?? parsed.multiaddrs[0] as string
  return { handle, peerId: parsed.peerId, multiaddr: tcp, http: parsed.http, readyMs: ready }
}

async function recordsHeld (relay: Relay): Promise<number> {
  try {
    const response = await fetch(`${relay.http}/status`, { signal: AbortSignal.timeout(5000) })
    if (!response.ok) return -1
    return ((await response.json()) as { records: number }).records
  } catch {
    return -1
  }
}

/** SIGTERM, as an operator stops a relay (it finishes writes and closes its store). */
async function stopRelay (relay: Relay): Promise<void> {
  relay.handle.child.kill('SIGTERM')
  const timer = setTimeout(() => { relay.handle.child.kill('SIGKILL') }, 10_000)
  await relay.handle.exited
  clearTimeout(timer)
}

async function openWriter (dir: NetworkDir, relays: Relay[], factor: number): Promise<SlurpPeer> {
  const { rootPublicKey } = await dir.readNetwork()
  const peer = new SlurpPeer({
    network: { rootPublicKey, policy: await dir.readPolicy() },
    member: await dir.readMember(),
    keyring: await dir.keyring([ROLE]),
    bootstrap: relays.map(relay => relay.multiaddr),
    replicationFactor: factor,
    minReplicas: factor
  })
  await peer.start({ signal: AbortSignal.timeout(20_000) })
  // Every relay connected before the first timed write, so no sample pays for a dial. (No bare
  // imports in this file: they would resolve from bench/reference/node_modules, the references' libp2p.)
  const known = await peer.libp2p.peerStore.all()
  for (const relay of relays) {
    const id = known.find(entry => entry.id.toString() === relay.peerId)?.id
    for (let attempt = 0; attempt < 5; attempt++) {
      if (id === undefined || peer.status().relays.includes(relay.peerId)) break
      try { await peer.libp2p.dial(id, { signal: AbortSignal.timeout(5000) }) } catch {}
    }
    if (!peer.status().relays.includes(relay.peerId)) throw new Error(`the writer could not connect to relay ${relay.peerId}`)
  }
  return peer
}

async function main (): Promise<void> {
  const tmp = ownTempDir(await mkdtemp(join(options.tmp ?? process.env.TMPDIR ?? '/tmp', 'slurp-')))
  const networkPath = join(tmp, 'network')
  const init = cli(['init', '--dir', networkPath], 'slurp init')
  const initExit = await init.exited
  if (initExit.code !== 0) throw new Error(`slurp init failed:\n${init.output()}`)
  const dir = new NetworkDir(networkPath)
  const results: Record<string, unknown> = { system: 'slurp', round, node: process.version }

  for (const factor of factors) {
    const relays: Relay[] = []
    for (let i = 0; i < RELAYS; i++) {
      relays.push(await startRelay(networkPath, join(tmp, `k${factor}-relay${i}`), relays.map(r => r.multiaddr), `slurp relay ${i}`))
    }
    const peer = await openWriter(dir, relays, factor)
    try {
      const prefix = `ucxl://reference/r${round}/k${factor}`
      for (let i = 0; i < WARMUP; i++) await peer.put(`${prefix}/warm/${i}`, { summary: docBody() }, { as: ROLE })
      const bodies = Array.from({ length: DOCS }, () => docBody())
      let fewer = 0
      const timed = await timeSequentialWrites(DOCS, async i => {
        const result = await peer.put(`${prefix}/doc/${i}`, { summary: bodies[i] as string }, { as: ROLE })
        if (result.replicas < factor) fewer++
      })
      if (fewer > 0) throw new Error(`${fewer} writes were acknowledged by fewer than ${factor} relays`)
      const held = await Promise.all(relays.map(recordsHeld))
      results[`k${factor}`] = { ...timed, relaysHeld: held, relayStartMs: relays.map(r => Math.round(r.readyMs)) }
      process.stderr.write(`  slurp round ${round} k=${factor}: ${timed.writesPerSecond.toFixed(0)} writes/s (relays hold ${held.join(', ')})\n`)

      if (factor === 3) {
        // Every relay holds every document at k = 3 with 3 relays; replace one with an empty one.
        const expected = WARMUP + DOCS
        const gone = relays.pop() as Relay
        await stopRelay(gone)
        const spawned = performance.now()
        const fresh = await startRelay(networkPath, join(tmp, `k${factor}-fresh`), relays.map(r => r.multiaddr), 'slurp fresh relay')
        relays.push(fresh)
        const atReady = await recordsHeld(fresh)
        await until(async () => (await recordsHeld(fresh)) >= expected, { everyMs: 25, what: `the fresh relay to hold ${expected} records` })
        const total = performance.now() - spawned
        results.catchUp = { ms: total, startMs: fresh.readyMs, heldAtReady: atReady, expected, held: await recordsHeld(fresh) }
        process.stderr.write(`  slurp round ${round} fresh relay holds all ${expected}: ${(total / 1000).toFixed(2)} s from spawn (ready after ${(fresh.readyMs / 1000).toFixed(2)} s holding ${atReady})\n`)
      }
    } finally {
      await peer.stop().catch(() => {})
      await Promise.all(relays.map(stopRelay))
    }
  }
  if (process.send === undefined) console.log(JSON.stringify(results))
  else process.send({ type: 'result', result: results })
}

main().then(async () => { await finish(0) }, async error => {
  process.send?.({ type: 'error', error: (error as Error).stack ?? String(error) })
  process.stderr.write(`slurp round failed: ${(error as Error).stack ?? String(error)}\n`)
  await finish(1)
})
