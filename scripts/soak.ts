// Thousands of randomised fault runs: `npm run soak -- --runs 2000 [--start 5000]`.
// Prints one line per failing seed (replay it with SLURP_FAULT_SEED=<seed> npx vitest
// run test/fault/random-runs.node.test.ts) and a summary; exits 1 on any failure.
import '../src/runtime/node-shim.ts'
import { parseArgs } from 'node:util'
import { Cluster, FAST_REPLICATION } from '../test/fault/cluster.ts'
import { Random } from '../test/fault/random.ts'
import { runSeed } from '../test/fault/run-seed.ts'
import { createTestNetwork } from '../test/helpers/network.ts'

const { values } = parseArgs({ options: { runs: { type: 'string' }, start: { type: 'string' }, relays: { type: 'string' } } })
const runs = Number(values.runs ?? 1000)
const start = Number(values.start ?? 100_000)
const network = await createTestNetwork()
// As the fault suite: a cleanup grace longer than any run (see test/fault/random-runs.node.test.ts).
const cluster = await Cluster.start(network, Number(values.relays ?? 6), new Random(start), { ...FAST_REPLICATION, cleanupGraceMs: 600_000 })
const writers = [await cluster.peer(['backend_developer']), await cluster.peer(['backend_developer'])]
const began = Date.now()
let failed = 0
let acknowledged = 0
for (let seed = start; seed < start + runs; seed++) {
  const report = await runSeed(cluster, writers, seed)
  acknowledged += report.acknowledged
  if (report.problems.length > 0) {
    failed++
    console.log(`seed ${seed} FAILED: ${report.problems.join('; ')}\n  ${report.steps.join('\n  ')}`)
  }
  if ((seed - start + 1) % 50 === 0) console.log(`${seed - start + 1}/${runs} runs, ${failed} failed, ${acknowledged} acknowledged writes checked, ${Math.round((Date.now() - began) / 1000)} s`)
}
await cluster.stop()
console.log(`soak: ${runs - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
