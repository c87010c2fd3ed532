import { describe as suite, expect, it } from 'vitest'
import { MIXED } from './sim/nemesis.ts'
import { describe, runSeed } from './sim/run.ts'

// Seeded runs of the voters under every fault the issue lists (test/raft/sim).
// Even seeds run 3 voters, odd seeds 5. A failing seed replays alone:
//   RAFT_SEED=<seed> npx vitest run --project node test/raft/simulation.node.test.ts
// RAFT_RUNS=<n> runs more (seeds 1..n).
const RUNS = Number(process.env.RAFT_RUNS ?? 240)
const only = process.env.RAFT_SEED
const seeds = only !== undefined ? [Number(only)] : Array.from({ length: RUNS }, (_, i) => i + 1)

suite('raft simulation', () => {
  it(`${seeds.length} seeded runs: acknowledged requests done once, one leader per term, logs agree, leases hold`, async () => {
    const began = performance.now()
    const faults: Record<string, number> = {}
    const totals = { acknowledged: 0, completed: 0, terms: 0, events: 0, fencedWrites: 0, refusedCompletions: 0, snapshotsInstalled: 0, stepDowns: 0, lateReports: 0, crashes: 0 }
    const sizes = new Set<number>()
    for (const seed of seeds) {
      const report = await runSeed(seed)
      if (report.problems.length > 0) {
        throw new Error(`raft simulation failed at seed ${seed}; replay with RAFT_SEED=${seed} npx vitest run --project node test/raft/simulation.node.test.ts\n${describe(report)}`)
      }
      sizes.add(report.voters)
      totals.acknowledged += report.acknowledged
      totals.completed += report.completed
      totals.terms += report.terms
      totals.events += report.events
      for (const key of ['fencedWrites', 'refusedCompletions', 'snapshotsInstalled', 'stepDowns', 'lateReports', 'crashes'] as const) totals[key] += report.stats[key]
      for (const [kind, count] of Object.entries(report.stats.faults)) faults[kind] = (faults[kind] ?? 0) + count
    }
    console.log(`raft simulation: ${seeds.length} runs in ${((performance.now() - began) / 1000).toFixed(1)} s, ${JSON.stringify(totals)}\nfaults injected: ${JSON.stringify(faults)}`)
    expect(totals.acknowledged).toBeGreaterThan(seeds.length)
    if (only !== undefined) return
    // The runs must have exercised what they claim to.
    expect([...sizes].sort()).toEqual([3, 5])
    for (const action of Object.keys(MIXED.actions).filter(action => !['kill-leader', 'kill-any'].includes(action))) expect(faults[action], action).toBeGreaterThan(0)
    for (const kind of ['kill: the leader', 'kill: any voter', 'kill: between acknowledgement and claim', 'kill: between claim and completion',
      'kill: after storing a result, before reporting it', 'crash between vote and its write']) expect(faults[kind], kind).toBeGreaterThan(0)
    expect(totals.fencedWrites, 'results refused by fencing').toBeGreaterThan(0)
    expect(totals.refusedCompletions, 'completions refused by the queue').toBeGreaterThan(0)
    expect(totals.snapshotsInstalled, 'snapshots installed').toBeGreaterThan(0)
    expect(totals.stepDowns, 'CheckQuorum step-downs').toBeGreaterThan(0)
  }, 300_000)
})
