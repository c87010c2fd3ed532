import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { loadavg, setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { PEER_PING_INTERVAL_MS } from '../../src/net/node.ts'
import { percentile } from '../stats.ts'
import type { LoadOptions } from './options.ts'
import { rssSlopeMbPerMin, sampleProcess } from './process-stats.ts'
import type { ProcessSample } from './process-stats.ts'
import { OP_KINDS, lagBeyondTimer } from './protocol.ts'
import type { ClientReport, ClientStart, FloodReport, FloodStart, HealthReport, HealthStart, Target } from './protocol.ts'
import { startRelayUnderLoad } from './relays.ts'

const MB = 1024 * 1024

export interface Percentiles { readonly count: number, readonly p50: number, readonly p99: number, readonly max: number }

export interface LoadResult {
  readonly target: Target
  readonly clients: number
  readonly connectedAfterRamp: number
  /** How often each client pinged the relay (js-libp2p's connection monitor), seconds. */
  readonly clientPingS: number
  /** Clients connected at the end of the steady phase. */
  readonly held: number
  /** Clients that gave up after eight failed dials (about two minutes of trying). */
  readonly refused: number
  readonly failedDials: number
  /** Why dials failed, by error name. */
  readonly dialErrors: Record<string, number>
  /** Client connections the relay closed while they ran. */
  readonly dropped: number
  readonly rampSeconds: number
  readonly steadySeconds: number
  readonly flood: { readonly attempted: number, readonly admitted: number, readonly refused: number, readonly errors: Record<string, number> }
  readonly ops: Percentiles & { readonly byKind: Record<string, Percentiles>, readonly errors: Record<string, number> }
  readonly health: Percentiles & { readonly failed: number }
  readonly rss: {
    readonly startMb: number
    readonly afterRampMb: number
    /** At the start of the steady phase (after the warm-up). */
    readonly warmedUpMb: number
    readonly endMb: number
    readonly afterMb: number
    readonly slopeMbPerMin: number
    readonly perConnectionKb: number
    /** Slurp only (from its /metrics): the JS heap before anyone connected, the lowest under load, and the difference per held client. */
    readonly heapStartMb: number
    readonly heapLowMb: number
    readonly heapPerConnectionKb: number
  }
  readonly fds: { readonly start: number, readonly peak: number, readonly after: number }
  /** The relay's CPU use during the steady phase, in % of one core. */
  readonly cpuPercent: number
  /** The client processes' CPU use during the steady phase, in % of one core, all together. */
  readonly clientCpuPercent: number
  /** The worst p99 event-loop delay of a client process during the steady phase (what a busy client adds to its latencies). */
  readonly clientLagP99Ms: number
  /** The relay's own event-loop delay p99 (its /metrics, read every 10 s): the worst 10 s. */
  readonly relayLagP99Ms: number
  /** The /health prober's own event-loop delay p99 (worst 2 s of the steady phase): its stalls would count as the relay's. */
  readonly proberLagP99Ms: number
  /** The machine's 1-minute load average when the run began and ended (2 cores here; other work shows up). */
  readonly loadAverage: readonly [number, number]
  readonly slowHttp?: { readonly open: number, readonly closedByServer: number }
}

const CLIENT_CHILD = fileURLToPath(new URL('./client-child.ts', import.meta.url))
const FLOOD_CHILD = fileURLToPath(new URL('./flood-child.ts', import.meta.url))
const SLOW_HTTP_CHILD = fileURLToPath(new URL('./slow-http-child.ts', import.meta.url))
const HEALTH_CHILD = fileURLToPath(new URL('./health-child.ts', import.meta.url))
/**
 * Client processes get a 64 MB young generation: 250 js-libp2p nodes a
 * process stalled in garbage collection (a quarter of their stalls), and an
 * op timed across a client's stall counts it (op p99 61–70 → 49 ms in a
 * 2-minute run). It tunes the load generator, never the relay. Add to it with
 * LOAD_CLIENT_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (split on spaces).
 */
const CLIENT_NODE_ARGS = ['--max-semi-space-size=64', ...(process.env.LOAD_CLIENT_NODE_ARGS ?? '').split(' ').filter(arg => arg !== '')]
// One slow-HTTP process per this many sockets: a process may hold 20,000 descriptors here.
const SOCKETS_PER_SLOW_CHILD = 10_000

/**
 * One run against one relay: it starts alone, clients join at the ramp rate
 * while the flood runs, every client works for the steady phase while
 * /health is probed every 100 ms and the relay's RSS, descriptors and CPU
 * are sampled every 5 s, then every client leaves and the relay's
 * descriptors are watched until they are back where they started (60 s at
 * most).
 */
export async function runScenario (target: Target, options: LoadOptions, say: (line: string) => void): Promise<LoadResult> {
  say(`${target}: starting the relay${target === 'slurp' ? ' (slurp init, sealing a record per client, slurp relay)' : ''}`)
  const loadBefore = loadavg()[0] as number
  const relay = await startRelayUnderLoad(target, options.clients, options.relayHeapMb)
  const children: ChildProcess[] = []
  try {
    await sleep(3000)
    const start = await sampleProcess(relay.pid)
    const samples: ProcessSample[] = [start]
    // The relay's JS heap before anyone connects, and the lowest seen under load (after a collection: what it keeps alive).
    const heapStart = (await heapOf(relay.http))?.heap ?? Number.NaN
    let heapLow = Infinity
    const sampler = setInterval(() => { sampleProcess(relay.pid).then(s => samples.push(s), () => {}) }, 5000)

    const health: Array<{ at: number, ms: number, ok: boolean }> = []
    const proberLag: Array<{ at: number, ms: number }> = []
    const prober = forkChild(HEALTH_CHILD)
    children.push(prober)
    prober.on('message', message => {
      const report = message as HealthReport
      if (report.type !== 'health-report') return
      for (const [at, ms, ok] of report.samples) health.push({ at, ms, ok })
      proberLag.push({ at: Date.now(), ms: report.lagP99Ms })
    })
    prober.send({ type: 'health', url: `${relay.http}/health`, intervalMs: 100 } satisfies HealthStart)

    // Clients, spread over the processes.
    const reports = new Map<ChildProcess, ClientReport>()
    const clientLag: Array<{ at: number, ms: number }> = []
    const clientChildren: ChildProcess[] = []
    const opSamples: Array<readonly [number, number, number]> = []
    const opErrors: Array<{ at: number, errors: Record<string, number> }> = []
    const dialErrors: Record<string, number> = {}
    const perProcess = Math.ceil(options.clients / options.processes)
    for (let first = 0; first < options.clients; first += perProcess) {
      const count = Math.min(perProcess, options.clients - first)
      const child = forkChild(CLIENT_CHILD, options.clientNice)
      children.push(child)
      clientChildren.push(child)
      child.on('message', message => {
        const report = message as ClientReport
        if (report.type !== 'report') return
        reports.set(child, report)
        clientLag.push({ at: Date.now(), ms: report.lagP99Ms })
        for (const sample of report.samples) opSamples.push(sample)
        const dials = Object.entries(report.errors).filter(([name]) => name.startsWith('dial: '))
        for (const [name, n] of dials) dialErrors[name.slice(6)] = (dialErrors[name.slice(6)] ?? 0) + n
        const ops = Object.fromEntries(Object.entries(report.errors).filter(([name]) => !name.startsWith('dial: ')))
        if (Object.keys(ops).length > 0) opErrors.push({ at: Date.now(), errors: ops })
      })
      const init: ClientStart = {
        type: 'start',
        target,
        relay: relay.address,
        first,
        clients: count,
        rampPerSecond: options.rampPerSecond / options.processes,
        opIntervalMs: options.opIntervalMs,
        ...pingOf(target, options),
        ...(relay.records === undefined ? {} : { records: relay.records.slice(first, first + count) })
      }
      child.send(init)
    }
    const total = (field: 'connected' | 'refused' | 'failedDials' | 'dropped'): number => [...reports.values()].reduce((sum, r) => sum + r[field], 0)

    let flood: FloodReport = { type: 'flood-report', attempted: 0, admitted: 0, refused: 0, errors: {} }
    const floodErrors: Record<string, number> = {}
    let floodChild: ChildProcess | undefined
    if (options.floodRate > 0) {
      floodChild = forkChild(FLOOD_CHILD, options.clientNice)
      children.push(floodChild)
      floodChild.on('message', message => {
        const report = message as FloodReport
        if (report.type !== 'flood-report') return
        flood = report
        for (const [name, n] of Object.entries(report.errors)) floodErrors[name] = (floodErrors[name] ?? 0) + n
      })
      const init: FloodStart = { type: 'flood', relay: relay.address, rate: options.floodRate, holdMs: 2000 }
      floodChild.send(init)
    }

    const rampBegan = Date.now()
    const rampLimitMs = (options.clients / options.rampPerSecond) * 1000 + 150_000
    let lastSay = 0
    while (Date.now() - rampBegan < rampLimitMs) {
      await sleep(1000)
      const joined = total('connected') + total('refused')
      if (Date.now() - lastSay > 10_000) {
        lastSay = Date.now()
        const lagMs = clientLag.filter(l => l.at >= Date.now() - 10_000).reduce((max, l) => Math.max(max, l.ms), 0)
        say(`${target}: ${total('connected')} of ${options.clients} clients connected, ${total('refused')} refused, ${total('failedDials')} failed dials; client event-loop delay p99 ${lagMs.toFixed(0)} ms`)
      }
      if (joined >= options.clients) break
    }
    // The last reports come every 2 s: wait for one more round.
    await sleep(2500)
    const rampSeconds = (Date.now() - rampBegan) / 1000
    const connectedAfterRamp = total('connected')
    const afterRamp = await sampleProcess(relay.pid)
    samples.push(afterRamp)

    const slowChildren: ChildProcess[] = []
    const slowReports = new Map<ChildProcess, { open: number, closedByServer: number }>()
    for (let left = options.slowHttp; left > 0; left -= SOCKETS_PER_SLOW_CHILD) {
      const child = forkChild(SLOW_HTTP_CHILD, options.clientNice)
      slowChildren.push(child)
      children.push(child)
      child.on('message', message => {
        const report = message as { type: string, open: number, closedByServer: number }
        if (report.type === 'slow-http-report') slowReports.set(child, report)
      })
      child.send({ type: 'slow-http', url: relay.http, count: Math.min(left, SOCKETS_PER_SLOW_CHILD), perSecond: 2000 })
    }

    const relayLag: number[] = []
    const progress = async (phase: string, began: number): Promise<void> => {
      const recent = health.filter(h => h.at >= Date.now() - 10_000)
      const rss = samples.at(-1)?.rssBytes ?? 0
      const heap = await heapOf(relay.http)
      if (heap !== undefined) heapLow = Math.min(heapLow, heap.heap)
      if (phase === 'steady' && heap !== undefined && Number.isFinite(heap.lagP99Ms)) relayLag.push(heap.lagP99Ms)
      const heapText = heap === undefined ? '' : ` (JS heap ${(heap.heap / MB).toFixed(0)} MB, external ${(heap.external / MB).toFixed(0)} MB)`
      say(`${target}: ${phase} ${((Date.now() - began) / 1000).toFixed(0)} s: ${total('connected')} connected, ${opSamples.filter(s => s[0] >= Date.now() - 10_000).length} ops in 10 s, /health p99 ${percentile(recent.map(h => h.ms), 99).toFixed(1)} ms, relay event-loop delay p99 ${(heap?.lagP99Ms ?? Number.NaN).toFixed(0)} ms, RSS ${(rss / MB).toFixed(0)} MB${heapText}`)
    }
    // Nothing is judged while the relay warms up: V8 grows its heap and JITs the hot paths in the first minutes under load.
    say(`${target}: ${connectedAfterRamp} clients connected after ${rampSeconds.toFixed(0)} s; ${options.warmupS > 0 ? `warming up for ${options.warmupS} s, then ` : ''}steady load for ${options.durationS} s`)
    const warmupBegan = Date.now()
    while (Date.now() - warmupBegan < options.warmupS * 1000) {
      await sleep(Math.min(10_000, options.warmupS * 1000 - (Date.now() - warmupBegan)))
      await progress('warm-up', warmupBegan)
    }
    const warmedUp = samples.at(-1) ?? afterRamp
    const clientPids = clientChildren.map(child => child.pid as number)
    const clientCpuBefore = await clientCpuMs(clientPids)
    const steadyBegan = Date.now()
    while (Date.now() - steadyBegan < options.durationS * 1000) {
      await sleep(Math.min(10_000, options.durationS * 1000 - (Date.now() - steadyBegan)))
      await progress('steady', steadyBegan)
    }
    const steadyEnded = Date.now()

    const clientCpuPercent = (await clientCpuMs(clientPids) - clientCpuBefore) / (steadyEnded - steadyBegan) * 100
    const held = total('connected')
    const end = await sampleProcess(relay.pid)
    samples.push(end)
    const slowHttp = options.slowHttp > 0
      ? { open: [...slowReports.values()].reduce((s, r) => s + r.open, 0), closedByServer: [...slowReports.values()].reduce((s, r) => s + r.closedByServer, 0) }
      : undefined

    // Everyone leaves.
    say(`${target}: clients leaving`)
    clearInterval(sampler)
    const refused = total('refused')
    const failedDials = total('failedDials')
    const dropped = total('dropped')
    await Promise.all(children.map(async child => await stopChild(child)))
    children.length = 0
    let after = await sampleProcess(relay.pid)
    const settleBegan = Date.now()
    while (after.fds > start.fds && Date.now() - settleBegan < 60_000) {
      await sleep(1000)
      after = await sampleProcess(relay.pid)
    }

    const steady = (at: number): boolean => at >= steadyBegan && at <= steadyEnded
    const steadyOps = opSamples.filter(s => steady(s[0]))
    const steadySamples = samples.filter(s => steady(s.at))
    const errors: Record<string, number> = {}
    for (const entry of opErrors) if (steady(entry.at)) for (const [name, n] of Object.entries(entry.errors)) errors[name] = (errors[name] ?? 0) + n
    const steadyHealth = health.filter(h => steady(h.at))
    const cpuSpan = steadySamples.length >= 2 ? (steadySamples.at(-1) as ProcessSample) : undefined
    const cpuFirst = steadySamples[0]
    return {
      target,
      connectedAfterRamp,
      clientPingS: (pingOf(target, options).pingIntervalMs ?? 10_000) / 1000,
      held,
      refused,
      failedDials,
      dialErrors,
      dropped,
      loadAverage: [loadBefore, loadavg()[0] as number],
      rampSeconds,
      steadySeconds: (steadyEnded - steadyBegan) / 1000,
      flood: { attempted: flood.attempted, admitted: flood.admitted, refused: flood.refused, errors: floodErrors },
      ops: {
        ...percentiles(steadyOps.map(s => s[1])),
        byKind: Object.fromEntries(OP_KINDS.map((kind, index) => [kind, percentiles(steadyOps.filter(s => s[2] === index).map(s => s[1]))])),
        errors
      },
      health: { ...percentiles(steadyHealth.map(h => h.ms)), failed: steadyHealth.filter(h => !h.ok).length },
      rss: {
        startMb: start.rssBytes / MB,
        afterRampMb: afterRamp.rssBytes / MB,
        warmedUpMb: warmedUp.rssBytes / MB,
        endMb: end.rssBytes / MB,
        afterMb: after.rssBytes / MB,
        slopeMbPerMin: rssSlopeMbPerMin(steadySamples),
        perConnectionKb: connectedAfterRamp === 0 ? Number.NaN : (afterRamp.rssBytes - start.rssBytes) / 1024 / connectedAfterRamp,
        heapStartMb: heapStart / MB,
        heapLowMb: Number.isFinite(heapLow) ? heapLow / MB : Number.NaN,
        heapPerConnectionKb: held === 0 || !Number.isFinite(heapLow) ? Number.NaN : (heapLow - heapStart) / 1024 / held
      },
      fds: { start: start.fds, peak: Math.max(...samples.map(s => s.fds)), after: after.fds },
      clients: options.clients,
      clientCpuPercent,
      clientLagP99Ms: clientLag.filter(l => steady(l.at)).reduce((max, l) => Math.max(max, l.ms), 0),
      relayLagP99Ms: relayLag.length === 0 ? Number.NaN : Math.max(...relayLag),
      proberLagP99Ms: proberLag.filter(l => steady(l.at)).reduce((max, l) => Math.max(max, l.ms), 0),
      cpuPercent: cpuSpan === undefined || cpuFirst === undefined || cpuSpan.at === cpuFirst.at ? Number.NaN : (cpuSpan.cpuMs - cpuFirst.cpuMs) / (cpuSpan.at - cpuFirst.at) * 100,
      ...(slowHttp === undefined ? {} : { slowHttp })
    }
  } finally {
    await Promise.all(children.map(async child => await stopChild(child)))
    await relay.stop()
  }
}

/**
 * The JS heap in use, the memory outside it (Buffers, ArrayBuffers) and the
 * event-loop delay p99 since the last read, from the relay's /metrics, when it has them.
 */
async function heapOf (http: string): Promise<{ heap: number, external: number, lagP99Ms: number } | undefined> {
  try {
    const text = await (await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(2000) })).text()
    const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text)?.[1] ?? Number.NaN)
    const heap = value('nodejs_heap_size_used_bytes')
    return Number.isNaN(heap) ? undefined : { heap, external: value('nodejs_external_memory_bytes'), lagP99Ms: lagBeyondTimer(value('nodejs_eventloop_lag_p99_seconds') * 1000) }
  } catch {
    return undefined
  }
}

async function clientCpuMs (pids: readonly number[]): Promise<number> {
  const samples = await Promise.all(pids.map(async pid => await sampleProcess(pid).then(s => s.cpuMs, () => 0)))
  return samples.reduce((a, b) => a + b, 0)
}

/** Clients ping as each relay's own peers do, unless --client-ping says otherwise. */
function pingOf (target: Target, options: LoadOptions): { pingIntervalMs?: number } {
  if (options.clientPingMs !== undefined) return { pingIntervalMs: options.clientPingMs }
  return target === 'slurp' ? { pingIntervalMs: PEER_PING_INTERVAL_MS } : {}
}

function percentiles (values: readonly number[]): Percentiles {
  return { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b), -Infinity) }
}

/**
 * Load generators run at a lower priority (nice) than the relay and the
 * /health prober: on a real deployment the clients are on other machines, and
 * here a client process that takes a core in a burst delays the relay it is
 * measuring. On average they still get all the CPU they ask for (about half a
 * core for a thousand clients, on two cores).
 */
function forkChild (path: string, nice = 0): ChildProcess {
  const execArgv = path === CLIENT_CHILD ? [...CLIENT_NODE_ARGS, ...process.execArgv] : process.execArgv
  const child = fork(path, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  if (nice !== 0 && child.pid !== undefined) setPriority(child.pid, nice)
  return child
}

/** Asks a child to stop and waits for it to exit (killing it after 60 s). */
async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  try {
    child.send({ type: 'stop' })
  } catch {
    child.kill('SIGKILL')
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  await exited
  clearTimeout(timer)
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
