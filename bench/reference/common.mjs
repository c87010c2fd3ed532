// Shared by every process of `npm run bench:reference`: the workload, child
// processes that are always cleaned up, and waiting on IPC messages. Plain
// JavaScript with Node built-ins only, so the slurp side (Node 20, tsx) and the
// Peerbit and OrbitDB sides (Node 22, their own node_modules) load the same file.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'

/** Documents written per round, each awaited before the next. */
export const DOCS = Number(process.env.REFERENCE_DOCS ?? 1000)
/** Untimed writes before the timed ones (connections, JIT, first-write set-up). */
export const WARMUP = 20
/** Bytes of each document's body. */
export const BODY_BYTES = 1024
/** How long a fresh node may take to hold every document. */
export const CATCH_UP_TIMEOUT_MS = 120_000

/** 1 KiB of printable text (base64 of random bytes), different per document so nothing compresses or deduplicates. */
export function docBody () {
  return randomBytes(BODY_BYTES).toString('base64').slice(0, BODY_BYTES)
}

export const sleep = async ms => await new Promise(resolve => setTimeout(resolve, ms))

/** Polls `check` every `everyMs` until it returns true; the elapsed ms, or throws after `timeoutMs`. */
export async function until (check, { timeoutMs = CATCH_UP_TIMEOUT_MS, everyMs = 25, what = 'condition' } = {}) {
  const started = performance.now()
  for (;;) {
    if (await check()) return performance.now() - started
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await sleep(everyMs)
  }
}

const children = new Set()
const tempDirs = new Set()
let cleaning = false
let shuttingDown = false

/** Removed on exit, on SIGINT/SIGTERM and on an uncaught error, whatever happens. */
export function ownTempDir (path) {
  tempDirs.add(path)
  return path
}

function killChildren (signal) {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill(signal) } catch {}
    }
  }
}

function removeTempDirs () {
  for (const dir of tempDirs) {
    try { rmSync(dir, { recursive: true, force: true }) } catch {}
  }
  tempDirs.clear()
}

/** Ends every child this process started (SIGTERM, then SIGKILL after `graceMs`) and waits for them. */
export async function stopChildren (graceMs = 5000) {
  const running = [...children].filter(child => child.exitCode === null && child.signalCode === null)
  killChildren('SIGTERM')
  await Promise.all(running.map(async child => {
    const exited = new Promise(resolve => child.once('exit', resolve))
    const timer = setTimeout(() => { try { child.kill('SIGKILL') } catch {} }, graceMs)
    await exited
    clearTimeout(timer)
  }))
}

function emergencyCleanup () {
  if (cleaning) return
  cleaning = true
  killChildren('SIGKILL')
  removeTempDirs()
}

process.once('exit', emergencyCleanup)
// On a signal (ctrl-C reaches the whole process group), children get SIGTERM
// first so they can end their own children (relays, replicas), then SIGKILL.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    shuttingDown = true
    const code = signal === 'SIGINT' ? 130 : 143
    const deadline = setTimeout(() => { emergencyCleanup(); process.exit(code) }, 8000)
    stopChildren(5000).catch(() => {}).finally(() => {
      clearTimeout(deadline)
      emergencyCleanup()
      process.exit(code)
    })
  })
}
// A child whose parent went away (its IPC channel closed) stops at once.
if (typeof process.send === 'function') {
  process.once('disconnect', () => {
    emergencyCleanup()
    process.exit(1)
  })
}

/** Runs the full cleanup and exits with `code` (children first, then temp dirs). */
export async function finish (code) {
  await stopChildren().catch(() => {})
  removeTempDirs()
  process.exit(code)
}

/**
 * Starts a child process with an IPC channel, stdout collected, stderr passed
 * through (prefixed lines would interleave badly with progress; it is rare).
 * Returns a handle whose `next(type)` resolves with the next IPC message of
 * that type, and rejects if the child exits first.
 */
export function startChild (command, args, { cwd, env, label = 'child', quiet = false } = {}) {
  // Nothing new starts once a signal asked this process to stop.
  if (shuttingDown) throw new Error(`not starting ${label}: stopping`)
  const spawnedAt = performance.now()
  const child = spawn(command, args, {
    cwd,
    env: env ?? process.env,
    stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit', 'ipc']
  })
  children.add(child)
  let output = ''
  child.stdout.on('data', chunk => { output += chunk.toString() })
  child.stderr?.on('data', chunk => { output += chunk.toString() })
  const queue = []
  const waiters = []
  let exitInfo
  child.on('message', message => {
    const index = waiters.findIndex(waiter => waiter.type === message?.type || (message?.type === 'error'))
    if (index >= 0) {
      const [waiter] = waiters.splice(index, 1)
      if (message.type === 'error') waiter.reject(new Error(`${label}: ${message.error}`))
      else waiter.resolve(message)
    } else {
      queue.push(message)
    }
  })
  const exited = new Promise(resolve => {
    child.once('exit', (code, signal) => {
      children.delete(child)
      exitInfo = { code, signal }
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`${label} exited (${signal ?? code}) before sending "${waiter.type}"${output === '' ? '' : `:\n${output.slice(-4000)}`}`))
      resolve(exitInfo)
    })
  })
  child.once('error', error => { output += `\n${error.message}` })
  return {
    child,
    spawnedAt,
    output: () => output,
    exited,
    send (message) { if (child.connected) child.send(message) },
    next (type) {
      const index = queue.findIndex(message => message?.type === type || message?.type === 'error')
      if (index >= 0) {
        const [message] = queue.splice(index, 1)
        return message.type === 'error' && type !== 'error' ? Promise.reject(new Error(`${label}: ${message.error}`)) : Promise.resolve(message)
      }
      if (exitInfo !== undefined) return Promise.reject(new Error(`${label} exited (${exitInfo.signal ?? exitInfo.code}) before sending "${type}":\n${output.slice(-4000)}`))
      return new Promise((resolve, reject) => { waiters.push({ type, resolve, reject }) })
    },
    /** Asks the child to stop ({type: 'stop'}), then ends it if it has not exited within `graceMs`. */
    async stop (graceMs = 10_000) {
      if (exitInfo !== undefined) return exitInfo
      this.send({ type: 'stop' })
      const timer = setTimeout(() => { try { child.kill('SIGTERM') } catch {} }, graceMs)
      const timer2 = setTimeout(() => { try { child.kill('SIGKILL') } catch {} }, graceMs + 5000)
      const info = await exited
      clearTimeout(timer)
      clearTimeout(timer2)
      return info
    }
  }
}

/**
 * For a node child: calls `handlers[type](message)` for each IPC message
 * from the parent and answers errors as {type: 'error'}.
 */
export function serveParent (handlers) {
  process.on('message', message => {
    const handler = handlers[message?.type]
    if (handler === undefined) return
    Promise.resolve().then(() => handler(message)).catch(error => {
      process.send?.({ type: 'error', error: error?.stack ?? String(error) })
    })
  })
}

/** Median, min and max of a list of numbers. */
export function summary (values) {
  const sorted = [...values].filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 }
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length }
}

/** Percentile (nearest rank) of per-write latencies in ms. */
export function percentile (values, p) {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1))]
}

/**
 * Times `count` sequential writes: `write(i)` is awaited before the next.
 * Returns writes/s and per-write latency percentiles.
 */
export async function timeSequentialWrites (count, write) {
  const latencies = new Array(count)
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await write(i)
    latencies[i] = performance.now() - t
  }
  const seconds = (performance.now() - started) / 1000
  return { writesPerSecond: count / seconds, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) }
}
