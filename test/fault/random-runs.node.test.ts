import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SlurpPeer } from '../../src/peer.ts'
import { createTestNetwork } from '../helpers/network.ts'
import { Cluster, FAST_REPLICATION } from './cluster.ts'
import { Random } from './random.ts'
import { runSeed } from './run-seed.ts'

// Randomised fault runs from a fixed seed list: reproducible in CI, and any
// failing seed replays alone with SLURP_FAULT_SEED=<seed>. For thousands of
// runs, `npm run soak -- --runs 2000`. 60 per `npm test`: the file is the
// suite's longest (about 2.5 s a run on one worker), and the suite must stay
// well under 20 minutes on two cores; the soak covers the rest.
const RUNS = Number(process.env.SLURP_FAULT_RUNS ?? 60)
const only = process.env.SLURP_FAULT_SEED
const seeds = only !== undefined ? [Number(only)] : Array.from({ length: RUNS }, (_, i) => 1000 + i)

const network = await createTestNetwork()
let cluster: Cluster
let writers: SlurpPeer[]

beforeAll(async () => {
  // A cleanup grace far longer than any run: the churn steps (relays that
  // join closest to a key and die) then test that no copy is dropped on the
  // word of relays that were not around for a while, whatever the machine's speed.
  cluster = await Cluster.start(network, 6, new Random(99), { ...FAST_REPLICATION, cleanupGraceMs: 600_000 })
  writers = [await cluster.peer(['backend_developer']), await cluster.peer(['backend_developer'])]
}, 60_000)

afterAll(async () => { await cluster?.stop() })

describe('randomised fault runs', () => {
  it(`${seeds.length} seeded runs: no acknowledged write lost, replicas converge`, async () => {
    let acknowledged = 0
    let slowest = { ms: 0, seed: 0 }
    for (const seed of seeds) {
      const began = Date.now()
      const report = await runSeed(cluster, writers, seed)
      if (Date.now() - began > slowest.ms) slowest = { ms: Date.now() - began, seed }
      acknowledged += report.acknowledged
      if (report.problems.length > 0) {
        throw new Error(`fault run failed; replay with SLURP_FAULT_SEED=${seed}\nsteps:\n  ${report.steps.join('\n  ')}\nproblems:\n  ${report.problems.join('\n  ')}`)
      }
    }
    // The runs must have exercised something: most writes get acknowledged.
    expect(acknowledged).toBeGreaterThan(seeds.length)
    console.log(`fault runs: ${seeds.length}, ${acknowledged} acknowledged writes checked, slowest run ${slowest.ms} ms (seed ${slowest.seed})`)
  }, 1_200_000)
})
