/**
 * Relay put throughput (issue 10 finding 7), outside vitest:
 *   node --conditions=slurp-source --import tsx test/record/put-throughput.bench.ts
 * Runs a RecordKeeper on a LevelDB store, as a relay does, and prints the
 * median puts per second of five runs for each case.
 */
import { randomBytes } from 'node:crypto'
import { dhtKey } from '../../src/address/index.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLevelStore } from '../../src/store/level.node.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper } from '../http/fixtures.ts'

const network = await createTestNetwork()
const members = await Promise.all([0, 1, 2, 3].map(async () => await createTestMember(network, ['backend_developer'])))
// LevelDB, as `slurp relay` stores records.
const dir = await mkdtemp(join(tmpdir(), 'slurp-put-bench-'))
const store = createLevelStore({ path: dir })
await store.open()
const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })

// A key holding about 3 MB: three concurrent siblings of ~1 MB by three members.
const big = 'ucxl://bench/big/key'
const bigKey = await dhtKey(big)
for (const member of members.slice(0, 3)) {
  const record = await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address: big, draft: { summary: 'big', body: randomBytes(700_000).toString('base64').slice(0, 700_000) } })
  await keeper.put(bigKey, record.bytes)
}
const small = await createContextRecord({ policy: network.policy, author: members[3]!.author('backend_developer'), address: 'ucxl://bench/small/key', draft: { summary: 'small' } })
await keeper.put(small.envelope.key, small.bytes)
const forged = tamper((await createContextRecord({ policy: network.policy, author: members[3]!.author('backend_developer'), address: big, draft: { summary: 'forged' } })).bytes)
const fresh = await Promise.all(Array.from({ length: 300 }, async (_, i) => await createContextRecord({ policy: network.policy, author: members[3]!.author('backend_developer'), address: `ucxl://bench/fresh/${i}`, draft: { summary: `fresh ${i}` } })))

async function rate (count: number, put: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now()
  for (let i = 0; i < count; i++) await put(i).catch(() => {})
  return count / ((performance.now() - started) / 1000)
}

async function median (name: string, count: number, put: (i: number) => Promise<unknown>): Promise<void> {
  const runs: number[] = []
  for (let run = 0; run < 5; run++) runs.push(await rate(count, put))
  runs.sort((a, b) => a - b)
  console.log(`${name.padEnd(44)} ${Math.round(runs[2]!).toString().padStart(7)} puts/s  (runs ${runs.map(r => Math.round(r)).join(', ')})`)
}

const garbage = randomBytes(100)
await median('garbage 100 B on a 3 MB key', 200, async () => await keeper.put(bigKey, garbage))
await median('forged signature on a 3 MB key', 100, async () => await keeper.put(bigKey, forged))
await median('byte-identical duplicate (small key)', 500, async () => await keeper.put(small.envelope.key, small.bytes))
let next = 0
await median('new valid records (fresh keys)', 50, async () => {
  const record = fresh[next++ % fresh.length]!
  await store.delete(`records/${record.envelope.key}`)
  await keeper.put(record.envelope.key, record.bytes)
})
await store.close()
await rm(dir, { recursive: true, force: true })
