// Coordinator benchmarks (issue 13): three voters on loopback TCP, each with
// its Raft log in LevelDB, production timeouts (src/raft/config.ts).
//   node --conditions=slurp-source --import tsx bench/coordinator.ts [--quick] [--only throughput|failover]
// (a) committed requests per second: many submits in flight at once, which
//     the leader batches into few log appends; acknowledged means committed
//     on a majority. Also through a follower (forwarded) and end to end
//     (request, claim, work, completion all through the log).
// (b) failover: the leader's libp2p node is stopped abruptly, 20 times; the
//     time from the stop until a surviving voter acknowledges a new request.
import '../src/runtime/node-shim.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NoLeaderError } from '../src/errors.ts'
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS } from '../src/raft/config.ts'
import { TestCluster, generationRequest, until } from '../test/coordinator/voters.ts'
import type { TestVoter } from '../test/coordinator/voters.ts'
import { percentile } from './stats.ts'

const quick = process.argv.includes('--quick') || (process.env.BENCH_QUICK ?? '') !== ''
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const runs = (part: string): boolean => only === undefined || only === part
const THROUGHPUT_REQUESTS = quick ? 4000 : 20_000
const IN_FLIGHT = 1000
const KILLS = quick ? 5 : 20
const GOAL_PER_SECOND = 2000
const GOAL_FAILOVER_P50_MS = 1500

const root = await mkdtemp(join(tmpdir(), 'slurp-bench-coordinator-'))
let runsMade = 0
const fmt = (value: number): string => Math.round(value).toLocaleString('en-US')

async function cluster (concurrency = 16): Promise<TestCluster> {
  const voters = await TestCluster.start(join(root, `run-${runsMade++}`), { electionTimeoutMs: DEFAULT_ELECTION_TIMEOUT_MS, heartbeatMs: DEFAULT_HEARTBEAT_MS, concurrency })
  await until(() => voters.agreedLeader() !== undefined, 'a leader', 30_000)
  return voters
}

/** Submits `count` requests through `via`, `IN_FLIGHT` at a time; returns acknowledgements per second. */
async function submitMany (via: TestVoter, count: number): Promise<{ perSecond: number, ids: string[] }> {
  const ids: string[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) {
      next++
      const request = generationRequest()
      ids.push(request.id)
      await via.coordinator.submit(request, { signal: AbortSignal.timeout(60_000) })
    }
  }))
  return { perSecond: count / ((performance.now() - started) / 1000), ids }
}

async function throughput (): Promise<void> {
  const voters = await cluster()
  try {
    const leader = voters.agreedLeader() as TestVoter
    // Warm up: the first appends open streams and LevelDB files.
    await submitMany(leader, 500)
    await until(() => leader.coordinator.status().queue.done === 500, 'the warm-up to finish', 60_000)
    const base = 500
    const direct = await submitMany(leader, THROUGHPUT_REQUESTS)
    const follower = voters.running.find(voter => voter !== leader) as TestVoter
    const forwarded = await submitMany(follower, Math.floor(THROUGHPUT_REQUESTS / 2))
    const total = base + THROUGHPUT_REQUESTS + Math.floor(THROUGHPUT_REQUESTS / 2)
    await until(() => leader.coordinator.status().queue.done === total, 'the backlog to finish', 120_000)
    // End to end: each request also needs a claim and a completion through the log.
    const started = performance.now()
    const endToEnd = await submitMany(leader, THROUGHPUT_REQUESTS)
    await until(() => leader.coordinator.status().queue.done === total + THROUGHPUT_REQUESTS, 'every request to finish', 120_000)
    const doneRate = THROUGHPUT_REQUESTS / ((performance.now() - started) / 1000)
    console.log(`(a) committed requests/s, 3 voters, LevelDB, ${IN_FLIGHT} submits in flight:`)
    console.log(`    submitted to the leader:        ${fmt(direct.perSecond)}/s over ${fmt(THROUGHPUT_REQUESTS)} (goal ≥ ${fmt(GOAL_PER_SECOND)}/s: ${direct.perSecond >= GOAL_PER_SECOND ? 'met' : 'NOT met'})`)
    console.log(`    submitted to a follower:        ${fmt(forwarded.perSecond)}/s over ${fmt(forwarded.ids.length)} (forwarded to the leader)`)
    console.log(`    end to end (claimed, worked, completed): ${fmt(doneRate)}/s over ${fmt(THROUGHPUT_REQUESTS)} (acks ran at ${fmt(endToEnd.perSecond)}/s meanwhile)`)
    console.log(`    results stored: ${fmt(voters.results.accepted)}, fenced: ${voters.results.fenced}`)
  } finally {
    await voters.stop()
  }
}

/** The time from `killedAt` until a survivor acknowledges a new request. */
async function acceptedAfter (voters: TestCluster, killedAt: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const survivor = voters.running[attempt % voters.running.length] as TestVoter
    try {
      await survivor.coordinator.submit(generationRequest(), { signal: AbortSignal.timeout(5000) })
      return performance.now() - killedAt
    } catch (error) {
      if (performance.now() - killedAt > 30_000) throw new Error('no leader accepted a request within 30 s', { cause: error })
      // No leader yet, or the dead one still named: ask again shortly.
      await new Promise(resolve => setTimeout(resolve, error instanceof NoLeaderError ? 5 : 10))
    }
  }
}

async function failover (): Promise<void> {
  const voters = await cluster(4)
  const times: number[] = []
  try {
    for (let kill = 0; kill < KILLS; kill++) {
      // Every voter running and caught up with a leader that holds its lease.
      await until(() => {
        const leader = voters.agreedLeader()
        if (leader === undefined || voters.running.length !== voters.voters.length) return false
        const commit = leader.coordinator.status().commitIndex
        return voters.voters.every(voter => voter.coordinator.status().appliedIndex >= commit)
      }, 'a settled cluster', 30_000)
      const leader = voters.agreedLeader() as TestVoter
      const killedAt = performance.now()
      await voters.kill(leader)
      times.push(await acceptedAfter(voters, killedAt))
      await voters.restart(leader)
      // A restarted voter refuses to vote for T (it cannot know whether it
      // acknowledged a leader just before it went down); the next kill is
      // measured on voters past that, as after any restart long ago.
      await new Promise(resolve => setTimeout(resolve, 2 * DEFAULT_ELECTION_TIMEOUT_MS))
    }
  } finally {
    await voters.stop()
  }
  const p50 = percentile(times, 50)
  console.log(`(b) failover, leader's libp2p stopped abruptly, T = ${DEFAULT_ELECTION_TIMEOUT_MS} ms, heartbeat ${DEFAULT_HEARTBEAT_MS} ms, ${KILLS} kills:`)
  console.log(`    until a new leader acknowledged a request: p50 ${fmt(p50)} ms, p95 ${fmt(percentile(times, 95))} ms, min ${fmt(Math.min(...times))} ms, max ${fmt(Math.max(...times))} ms (goal p50 ≤ ${fmt(GOAL_FAILOVER_P50_MS)} ms: ${p50 <= GOAL_FAILOVER_P50_MS ? 'met' : 'NOT met'})`)
  console.log(`    each: ${times.map(fmt).join(', ')}`)
}

try {
  if (runs('throughput')) await throughput()
  if (runs('failover')) await failover()
} finally {
  await rm(root, { recursive: true, force: true })
}
