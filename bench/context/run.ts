// Context benchmarks (issue 12): `npm run bench:context [-- --quick]`.
// Hierarchical resolution against a plain get on the same mesh, warm
// resolution from the cache, and the storage inheritance saves when this
// repository is written file by file.
import '../../src/runtime/node-shim.ts'
import type { PutResult } from '../../src/peer/types.ts'
import { startPeer, startRelays } from '../../test/helpers/mesh.ts'
import { createTestNetwork } from '../../test/helpers/network.ts'
import { median, percentile } from '../stats.ts'
import { describeRoundTrip, mcpRoundTrip } from './mcp.ts'
import { repositoryTree } from './repo-tree.ts'
import { describeSearch, searchFigures } from './search.ts'
import type { TreeEntry } from './repo-tree.ts'

const quick = process.argv.includes('--quick') || (process.env.BENCH_QUICK ?? '') !== ''
const root = new URL('../..', import.meta.url).pathname
const ROLE = 'backend_developer'
const goals: string[] = []
const say = (line: string): void => { console.log(line) }
const goal = (name: string, ok: boolean, detail: string): void => { goals.push(`${ok ? 'PASS' : 'FAIL'}  ${name}: ${detail}`) }

const network = await createTestNetwork({ writesPerMinute: 1_000_000, bytesPerMinute: 1 << 30 })
const relays = await startRelays(network, 3)
const writer = await startPeer(network, relays, [ROLE])
const tree = repositoryTree(root, quick ? ['src/net', 'src/resolve'] : ['src', 'relay', 'web'])
const addressOf = (project: string, entry: TreeEntry): string => `ucxl://${project}/${entry.path}`

/** Writes the tree one depth at a time (a child's inheritance reads its written parents), many in flight within one. */
async function writeTree (project: string, inherit: boolean): Promise<{ results: PutResult[], ms: number }> {
  const byDepth = new Map<number, TreeEntry[]>()
  for (const entry of tree) {
    const depth = entry.path === '' ? 0 : entry.path.split('/').length
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), entry])
  }
  const results: PutResult[] = []
  const started = performance.now()
  for (const depth of [...byDepth.keys()].sort((a, b) => a - b)) {
    for (const entry of byDepth.get(depth) ?? []) {
      // One at a time: putMany has no inherit option, and a write's cost is what is measured.
      results.push(await writer.put(addressOf(project, entry), entry.draft, { as: ROLE, inherit }))
    }
  }
  return { results, ms: performance.now() - started }
}

/** Bytes the relays hold for these writes (one replica: every holder holds the same). */
async function storedBytes (results: readonly PutResult[]): Promise<number> {
  let total = 0
  for (const result of results) {
    const sizes = await Promise.all(relays.map(async relay => (await relay.keeper.get(result.key)).reduce((sum, bytes) => sum + bytes.length, 0)))
    total += Math.max(...sizes)
  }
  return total
}

/** The JSON size of every item as stored (decrypted), summed. */
async function itemBytes (project: string): Promise<number> {
  let total = 0
  for (const entry of tree) total += JSON.stringify((await writer.get(addressOf(project, entry))).item).length
  return total
}

say(`# Context: resolution and inheritance (${quick ? 'quick' : 'full'} run, ${tree.length} folders and files of this repository, 3 relays on loopback)`)
const full = await writeTree('repo-full', false)
const slim = await writeTree('repo-slim', true)
const fullBytes = await storedBytes(full.results)
const slimBytes = await storedBytes(slim.results)
const fullItems = await itemBytes('repo-full')
const slimItems = await itemBytes('repo-slim')
say('')
say('| written | records | item JSON (plaintext) | records at a relay (signed, encrypted) | write time |')
say('|---|---:|---:|---:|---:|')
say(`| every field | ${full.results.length} | ${fullItems} B | ${fullBytes} B | ${(full.ms / 1000).toFixed(1)} s |`)
say(`| put(..., { inherit: true }) | ${slim.results.length} | ${slimItems} B | ${slimBytes} B | ${(slim.ms / 1000).toFixed(1)} s |`)
say(`\ninheritance saves ${((1 - slimItems / fullItems) * 100).toFixed(1)} % of the item text and ${((1 - slimBytes / fullBytes) * 100).toFixed(1)} % of the bytes stored ` +
  `(each record also carries a signature, a certificate and an age header); a write with it takes ${(slim.ms / full.ms).toFixed(2)}× one without (it resolves the ancestors first)`)

const reader = await startPeer(network, relays, [ROLE])
const files = tree.filter(entry => entry.path.endsWith('.ts') && entry.path.split('/').length >= 3)
const rounds = quick ? 40 : 150
const getMs: number[] = []
const coldMs: number[] = []
// Interleaved, on different files each round: the same mesh state for both, and nothing from the cache (maxAgeMs 0).
for (let i = 0; i < rounds; i++) {
  const entry = files[i % files.length] as TreeEntry
  let started = performance.now()
  await reader.get(addressOf('repo-full', entry))
  getMs.push(performance.now() - started)
  started = performance.now()
  await reader.resolve(addressOf('repo-slim', entry), { depth: 3 })
  coldMs.push(performance.now() - started)
}
for (const entry of files.slice(0, rounds)) await reader.resolve(addressOf('repo-slim', entry), { depth: 3, maxAgeMs: 3_600_000 })
const warmMs: number[] = []
for (let i = 0; i < rounds * 4; i++) {
  const entry = files[i % Math.min(files.length, rounds)] as TreeEntry
  const started = performance.now()
  await reader.resolve(addressOf('repo-slim', entry), { depth: 3, maxAgeMs: 3_600_000 })
  warmMs.push(performance.now() - started)
}
const ratio = median(coldMs) / median(getMs)
say('')
say('| operation | p50 | p99 | runs |')
say('|---|---:|---:|---:|')
say(`| get, one level from the relays | ${median(getMs).toFixed(2)} ms | ${percentile(getMs, 99).toFixed(2)} ms | ${getMs.length} |`)
say(`| resolve depth 3, every level from the relays | ${median(coldMs).toFixed(2)} ms | ${percentile(coldMs, 99).toFixed(2)} ms | ${coldMs.length} |`)
say(`| resolve depth 3, warm (levels from the cache, maxAgeMs) | ${median(warmMs).toFixed(3)} ms | ${percentile(warmMs, 99).toFixed(3)} ms | ${warmMs.length} |`)
goal('resolve depth 3 cold ≤ 1.3× one cold get', ratio <= 1.3, `${ratio.toFixed(2)}× (p50 ${median(coldMs).toFixed(2)} ms against ${median(getMs).toFixed(2)} ms)`)
goal('resolve warm p50 ≤ 1 ms', median(warmMs) <= 1, `${median(warmMs).toFixed(3)} ms`)
// Listing: a project of many addresses, written with and without keeping its directory.
const listed = quick ? 1_000 : 10_000
const items = (project: string): Array<{ address: string, draft: { summary: string }, as: string }> =>
  Array.from({ length: listed }, (_, i) => ({ address: `ucxl://${project}/src/module-${Math.floor(i / 100)}/file-${i}.ts`, draft: { summary: `file ${i}` }, as: ROLE }))
const unlisted = await startPeer(network, relays, [ROLE], { listWrites: false })
const listingWriter = await startPeer(network, relays, [ROLE])
// In alternating chunks, each side first every other time: the relays' stores grow alike under both.
let plainMs = 0
let listedMs = 0
const plainItems = items('unlisted')
const listedItems = items('listed')
const chunk = listed / 10
for (let round = 0; round < 10; round++) {
  const slice = [round * chunk, (round + 1) * chunk] as const
  const plain = async (): Promise<void> => {
    const at = performance.now()
    await unlisted.putMany(plainItems.slice(...slice))
    plainMs += performance.now() - at
  }
  const withDirectory = async (): Promise<void> => {
    const at = performance.now()
    await listingWriter.putMany(listedItems.slice(...slice))
    await listingWriter.flushDirectory()
    listedMs += performance.now() - at
  }
  for (const run of round % 2 === 0 ? [plain, withDirectory] : [withDirectory, plain]) await run()
}
let started = performance.now()
const lister = await startPeer(network, relays, [ROLE])
started = performance.now()
const cold = await lister.list('listed')
const coldListMs = performance.now() - started
const warmListMs: number[] = []
for (let i = 0; i < 20; i++) {
  const at = performance.now()
  await lister.list('listed', { maxAgeMs: 3_600_000 })
  warmListMs.push(performance.now() - at)
}
const extra = listedMs / plainMs - 1
say('')
say(`| ${listed} addresses | time |`)
say('|---|---:|')
say(`| putMany, not listed (listWrites: false) | ${(plainMs / 1000).toFixed(2)} s (${Math.round(listed / plainMs * 1000)}/s) |`)
say(`| putMany, listed, then flushDirectory | ${(listedMs / 1000).toFixed(2)} s (${Math.round(listed / listedMs * 1000)}/s) |`)
say(`| list, cold (a fresh peer: ${cold.entries.length} entries from ${8} shards × readable roles) | ${coldListMs.toFixed(0)} ms |`)
say(`| list, warm (maxAgeMs), p50 of 20 | ${median(warmListMs).toFixed(1)} ms |`)
if (cold.entries.length !== listed) say(`WARNING: listed ${cold.entries.length} of ${listed} addresses`)
goal('listing cold ≤ 2 s', coldListMs <= 2000 && cold.entries.length === listed, `${coldListMs.toFixed(0)} ms for ${cold.entries.length} addresses`)
goal('listing warm ≤ 50 ms', median(warmListMs) <= 50, `${median(warmListMs).toFixed(1)} ms`)
goal('keeping the directory adds ≤ 20 % to writing', extra <= 0.2, `${(extra * 100).toFixed(1)} %`)
await Promise.all([unlisted.stop(), listingWriter.stop(), lister.stop()])

const search = searchFigures(10_000)
say('')
for (const line of describeSearch(search)) say(line)
goal('search query p50 ≤ 5 ms over 10,000 items', median(search.queryMs) <= 5, `${median(search.queryMs).toFixed(2)} ms`)
goal('indexing ≥ 5,000 items/s', search.indexPerSecond >= 5000, `${Math.round(search.indexPerSecond)} items/s`)

const roundTrip = describeRoundTrip(await mcpRoundTrip(root, quick ? 50 : 200))
say('')
for (const line of roundTrip.lines) say(line)
goal('MCP get_context round trip over stdio ≤ 2 ms more than the library call', roundTrip.overheadMs <= 2, `${roundTrip.overheadMs.toFixed(2)} ms`)

say('\nGoals:')
for (const line of goals) say(`  ${line}`)

await Promise.all([writer.stop(), reader.stop()])
for (const relay of relays) await relay.stop()
