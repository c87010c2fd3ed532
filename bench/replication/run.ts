// Replication benchmarks: `npm run bench:replication [-- --quick]`.
// Repair time after a holder dies, convergence after a partition heals, and
// replicated writes/s beside the same loop without replication.
import '../../src/runtime/node-shim.ts'
import { peerIdFromString } from '@libp2p/peer-id'
import { equalBytes } from '../../src/encoding/bytes.ts'
import { sortByDistance } from '../../src/net/closest.ts'
import { Cluster } from '../../test/fault/cluster.ts'
import { checkInvariants } from '../../test/fault/invariants.ts'
import type { Acknowledged } from '../../test/fault/invariants.ts'
import { Random } from '../../test/fault/random.ts'
import { createTestMember, createTestNetwork } from '../../test/helpers/network.ts'
import { makeRecords } from './records.ts'
import { TestKeyAdmin } from '../../test/helpers/key-admin.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import type { BenchRecord } from './records.ts'

const quick = process.argv.includes('--quick') || (process.env.BENCH_QUICK ?? '') !== ''
// `--only repair|convergence|writes|putmany|rotation`: one part, to profile or repeat it.
const only = process.argv[process.argv.indexOf('--only') + 1]
const runs = (part: string): boolean => !process.argv.includes('--only') || only === part
// One member writes thousands of records a minute here: far above the default
// per-member quota (1,200 a minute per relay), which would measure the quota.
const network = await createTestNetwork({ writesPerMinute: 1_000_000, bytesPerMinute: 1 << 30 })
const member = await createTestMember(network, ['backend_developer'])
const lines: string[] = []
const goals: string[] = []
const say = (line: string): void => { console.log(line); lines.push(line) }

/** Puts each record straight into the keepers of its k closest relays (setup, not measured). */
async function place (cluster: Cluster, records: BenchRecord[], relays: number[]): Promise<void> {
  const ids = relays.map(i => cluster.slots[i]?.peerId as string)
  for (const record of records) {
    const owners = sortByDistance(new TextEncoder().encode(record.key), ids.map(id => peerIdFromString(id))).slice(0, 3)
    for (const owner of owners) {
      const slot = cluster.slots.find(s => s.peerId === owner.toString())
      await slot?.relay?.keeper.put(record.key, record.bytes)
    }
  }
}

async function until (check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = performance.now()
  while (!await check()) {
    if (performance.now() - started > timeoutMs) return Number.NaN
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return performance.now() - started
}

/**
 * Whether every record sits on its k closest live relays with one identical
 * version set: read from the relays' in-memory digest indexes. Who the k
 * closest are is worked out once per set of live relays, and checking resumes
 * at the first record not yet in place: polled every 20 ms on the thread that
 * runs the relays, a full re-check of 10,000 records (hashing and sorting each)
 * slowed down what it measured. (test/fault/invariants.ts checks the same thing
 * the slow, thorough way, and runs once at the end.)
 */
const ownersByLiveSet = new Map<string, string[][]>()
let checkedUpTo = 0

async function converged (cluster: Cluster, records: BenchRecord[]): Promise<boolean> {
  const live = cluster.slots.filter(slot => slot.relay !== undefined)
  const liveSet = live.map(slot => slot.peerId).sort().join(' ') + `:${records.length}:${records[0]?.key ?? ''}`
  let owners = ownersByLiveSet.get(liveSet)
  if (owners === undefined) {
    const ids = live.map(slot => peerIdFromString(slot.peerId))
    owners = records.map(record => sortByDistance(new TextEncoder().encode(record.key), ids).slice(0, 3).map(String))
    ownersByLiveSet.clear()
    ownersByLiveSet.set(liveSet, owners)
    checkedUpTo = 0
  }
  const indexes = new Map(await Promise.all(live.map(async slot => [slot.peerId, await slot.relay?.keeper.digests()] as const)))
  const inPlace = (i: number): boolean => {
    const key = (records[i] as BenchRecord).key
    const digests = (owners[i] as string[]).map(owner => indexes.get(owner)?.get(key))
    const first = digests[0]
    return first !== undefined && digests.every(digest => digest !== undefined && equalBytes(digest, first))
  }
  for (; checkedUpTo < records.length; checkedUpTo++) if (!inPlace(checkedUpTo)) return false
  // Everything was in place at some poll; confirm all of it at once, as records checked earlier could have changed.
  checkedUpTo = 0
  return records.every((_, i) => inPlace(i))
}

function acknowledgedFor (records: BenchRecord[]): Acknowledged {
  return new Map(records.map(record => [record.address, []]))
}

async function repairBench (count: number): Promise<number> {
  const cluster = await Cluster.start(network, 6, new Random(count), { repairIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000, triggerDelayMs: 50, maxConcurrentReplications: 32 })
  try {
    const records = await makeRecords(network, member, `ucxl://bench/repair${count}`, count)
    await place(cluster, records, cluster.slots.map(s => s.index))
    const victim = 0
    const started = performance.now()
    await cluster.kill(victim)
    // The relays' own trigger (a relay left) starts repair; done when every record is back on k.
    const ms = await until(async () => await converged(cluster, records), 120_000)
    const elapsed = Number.isNaN(ms) ? ms : performance.now() - started
    const problems = await checkInvariants(cluster, acknowledgedFor(records))
    if (problems.length > 0) throw new Error(`repair left problems: ${problems.slice(0, 3).join('; ')}`)
    return elapsed
  } finally {
    await cluster.stop()
  }
}

async function convergenceBench (perSide: number): Promise<{ ms: number, reconnectMs: number }> {
  const cluster = await Cluster.start(network, 6, new Random(perSide), { repairIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000, triggerDelayMs: 50, maxConcurrentReplications: 32 })
  try {
    await cluster.partition([{ relays: [0, 1, 2] }, { relays: [3, 4, 5] }])
    const left = await makeRecords(network, member, 'ucxl://bench/left', perSide)
    const right = await makeRecords(network, member, 'ucxl://bench/right', perSide)
    await place(cluster, left, [0, 1, 2])
    await place(cluster, right, [3, 4, 5])
    const all = acknowledgedFor([...left, ...right])
    const started = performance.now()
    await cluster.heal()
    const reconnectMs = performance.now() - started
    // Convergence from the relays' own reaction to reconnecting: anti-entropy on identify, repair on join.
    const ms = await until(async () => await converged(cluster, [...left, ...right]), 120_000)
    const elapsed = Number.isNaN(ms) ? ms : performance.now() - started
    const problems = await checkInvariants(cluster, all)
    if (problems.length > 0) throw new Error(`convergence left problems: ${problems.slice(0, 3).join('; ')}`)
    return { ms: elapsed, reconnectMs }
  } finally {
    await cluster.stop()
  }
}

async function writesPerSecond (factor: number, writes: number, concurrency: number): Promise<number> {
  const cluster = await Cluster.start(network, 5, new Random(factor), { repairIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 })
  try {
    const peer = await cluster.peer(['backend_developer'], { replicationFactor: factor, minReplicas: factor })
    for (let i = 0; i < 20; i++) await peer.put(`ucxl://bench/warm/${i}`, { summary: 'w' }, { as: 'backend_developer' })
    let next = 0
    const started = performance.now()
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < writes) {
        const i = next++
        // Done only when `factor` relays acknowledged (minReplicas = factor).
        await peer.put(`ucxl://bench/w${factor}/${i}`, { summary: `write ${i}` }, { as: 'backend_developer' })
      }
    }))
    return writes / ((performance.now() - started) / 1000)
  } finally {
    await cluster.stop()
  }
}

/** putMany: the same writes, handed over as one batch. */
async function putManyPerSecond (writes: number, concurrency: number): Promise<number> {
  const cluster = await Cluster.start(network, 5, new Random(7), { repairIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 })
  try {
    const peer = await cluster.peer(['backend_developer'], { replicationFactor: 3, minReplicas: 3 })
    await peer.putMany(Array.from({ length: 20 }, (_, i) => ({ address: `ucxl://bench/warm-many/${i}`, draft: { summary: 'w' }, as: 'backend_developer' })))
    const items = Array.from({ length: writes }, (_, i) => ({ address: `ucxl://bench/many/${i}`, draft: { summary: `write ${i}` }, as: 'backend_developer' }))
    const started = performance.now()
    const { stored, failed } = await peer.putMany(items, { concurrency })
    if (failed.length > 0 || stored.length !== writes) throw new Error(`putMany stored ${stored.length} of ${writes}: ${failed[0]?.error.message ?? ''}`)
    return writes / ((performance.now() - started) / 1000)
  } finally {
    await cluster.stop()
  }
}

/** Waits until ten 10 ms timers in a row fire less than 5 ms late; returns how long that took. */
async function eventLoopQuiet (timeoutMs: number): Promise<number> {
  const started = performance.now()
  let calm = 0
  while (calm < 10 && performance.now() - started < timeoutMs) {
    const before = performance.now()
    await new Promise(resolve => setTimeout(resolve, 10))
    calm = performance.now() - before < 15 ? calm + 1 : 0
  }
  return performance.now() - started
}

/**
 * Rotating one role with `count` records stored: sign the next policy (new
 * reader-key epochs, key bundles), hand it to one relay, until every relay
 * and the peer hold it. Records are not touched, so the count should not show.
 */
async function rotationBench (count: number): Promise<{ total: number, sign: number, settled: number }> {
  const cluster = await Cluster.start(network, 5, new Random(11), { repairIntervalMs: 3_600_000, antiEntropyIntervalMs: 3_600_000 })
  try {
    const records = await makeRecords(network, member, 'ucxl://bench/rotation', count)
    await place(cluster, records, [0, 1, 2, 3, 4])
    const peer = await cluster.peer(['backend_developer'], { network: { rootPublicKey: network.root.publicKey, policy: network.policy, signedPolicy: network.signed } })
    const admin = new TestKeyAdmin(network)
    admin.register(toBase64url(member.signer.publicKey), ['backend_developer'])
    // Placing records leaves work queued on the relays' shared thread (and
    // garbage to collect); a rotation is measured on a mesh at rest.
    const settled = await eventLoopQuiet(60_000)
    const started = performance.now()
    const signed = await admin.rotate(['backend_developer'])
    const sign = performance.now() - started
    const relays = cluster.live
    await relays[0]?.policyBook.offer(signed)
    const spread = await until(async () => relays.every(relay => relay.currentPolicy.version === signed.policy.version) && peer.policy.version === signed.policy.version, 30_000)
    return { total: sign + spread, sign, settled }
  } finally {
    await cluster.stop()
  }
}

const fmt = (ms: number): string => Number.isNaN(ms) ? 'did not finish' : ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`
say(`replication benchmarks (${quick ? 'quick' : 'full'}), Node ${process.version}, 6 relays unless noted, k = 3, memory stores, one process`)
if (runs('repair')) {
  for (const count of quick ? [100, 1000] : [100, 10_000]) {
    const ms = await repairBench(count)
    say(`repair to k after a holder dies, ${count} records: ${fmt(ms)}`)
    if (count === 10_000) goals.push(`${ms <= 10_000 ? 'PASS' : 'FAIL'}  repair 10,000 records ≤ 10 s (${fmt(ms)})`)
  }
}
if (runs('convergence')) {
  const perSide = quick ? 200 : 1000
  const { ms: converge, reconnectMs } = await convergenceBench(perSide)
  say(`convergence after a partition heals, ${perSide} records written on each side: ${fmt(converge)} (the first ${fmt(reconnectMs)} reconnecting the 9 pairs)`)
  if (perSide === 1000) goals.push(`${converge <= 2000 ? 'PASS' : 'FAIL'}  converge ≤ 2 s after heal for 1,000 records per side (${fmt(converge)})`)
}
if (runs('writes')) {
  const writes = quick ? 200 : 1000
  const replicated = await writesPerSecond(3, writes, 32)
  const single = await writesPerSecond(1, writes, 32)
  say(`replicated writes/s (write on a peer, done when 3 relays acknowledged; 5 relays, 32 in flight): ${replicated.toFixed(0)}/s`)
  say(`same loop without replication (k = 1): ${single.toFixed(0)}/s   ratio ${(replicated / single).toFixed(2)}×`)
  goals.push(`${replicated >= 500 ? 'PASS' : 'FAIL'}  ≥ 500 replicated writes/s (${replicated.toFixed(0)}/s)`)
}
if (runs('putmany')) {
  const writes = quick ? 400 : 2000
  const perSecond = await putManyPerSecond(writes, 64)
  say(`putMany, k = 3 (every record acknowledged by 3 relays; 5 relays, 64 in flight), ${writes} records: ${perSecond.toFixed(0)}/s`)
  goals.push(`${perSecond >= 2000 ? 'PASS' : 'FAIL'}  putMany with k = 3 ≥ 2,000 acknowledged records/s (${perSecond.toFixed(0)}/s)`)
}
if (runs('rotation')) {
  const count = quick ? 10_000 : 100_000
  const { total, sign, settled } = await rotationBench(count)
  say(`rotate one role with ${count.toLocaleString('en')} records stored: ${fmt(total)} until 5 relays and a peer hold the new policy (${fmt(sign)} of it signing: reader keys and bundles; measured once the relays were at rest, after ${fmt(settled)})`)
  goals.push(`${total <= 2000 ? 'PASS' : 'FAIL'}  rotation with ${count.toLocaleString('en')} records ≤ 2 s (${fmt(total)})`)
}
for (const goal of goals) say(goal)
process.exit(0)
