import { createContextRecord } from '../../src/record/context-record.ts'
import { clearProgress } from '../progress.ts'
import type { BenchOptions } from '../options.ts'
import type { Section } from '../section.ts'
import { GOAL_RECORDS, GOAL_RELAYS } from '../mesh/goals.ts'
import type { MeshMemory } from '../mesh/goals.ts'
import { meshLatency } from '../mesh/latency.ts'
import type { LatencyScenario } from '../mesh/latency.ts'
import type { LatencyFacts } from '../mesh/latency-report.ts'
import { MESH_ROLE } from '../mesh/cluster.ts'
import { contextDraft, meshAddress } from '../mesh/draft.ts'
import { createMeshNetwork } from '../mesh/network.ts'
import type { MeshNetwork } from '../mesh/network.ts'
import { peerWork } from '../mesh/peer-work.ts'
import { runStorageChild } from '../mesh/child.ts'
import { sourceState } from '../mesh/source-state.ts'
import type { StorageFacts } from '../mesh/storage.ts'

export interface MeshReport {
  readonly facts: {
    readonly source: string
    readonly latency: LatencyFacts[]
    readonly storage: StorageFacts
  }
  readonly memory: MeshMemory
}

// Budgets keep a full run near 3–4 minutes on two busy cores (a 20-relay round takes 0.7–1.5 s there, mostly
// kad-dht's own put and get) and --quick under one; the 100,000-record load alone takes 45–85 s.
const FULL = {
  small: { warmup: 5, min: 100, max: 300, budgetMs: 30_000 },
  large: { warmup: 3, min: 40, max: 300, budgetMs: 60_000 },
  sequential: { puts: 200, budgetMs: 10_000 },
  agreementKeys: 20,
  records: GOAL_RECORDS,
  reads: { warmup: 3, min: 100, max: 400, budgetMs: 8_000 }
}
const QUICK = {
  small: { warmup: 2, min: 20, max: 60, budgetMs: 6_000 },
  large: { warmup: 2, min: 10, max: 60, budgetMs: 10_000 },
  sequential: { puts: 40, budgetMs: 3_000 },
  agreementKeys: 5,
  records: 10_000,
  reads: { warmup: 2, min: 30, max: 100, budgetMs: 3_000 }
}

/**
 * Real relays and peers on loopback TCP in this process: put/get latency
 * beside kad-dht's own and a put rate; then, in a child process so its RSS
 * is its own, one relay's memory and reads on LevelDB. Each section is handed
 * to `emit` as soon as it is measured.
 */
export async function meshSuite (options: BenchOptions, emit: (section: Section) => void): Promise<MeshReport> {
  const plan = options.quick ? QUICK : FULL
  const network = await createMeshNetwork()
  const show = (section: Section): void => {
    clearProgress()
    emit(section)
  }
  const source = await sourceState()
  const work = await peerWork(network, options)
  work.notes.push(`Mesh figures are of ${source}.`)
  show(work)

  const latency: LatencyFacts[] = []
  const value = await rawValueLike(network)
  for (const scenario of scenarios(plan)) {
    const { section, facts } = await meshLatency(network, scenario, value)
    latency.push(facts)
    show(section)
  }

  const { section, facts: storage } = await runStorageChild(plan.records, plan.reads)
  show(section)
  return { facts: { source, latency, storage }, memory: { records: storage.records, rss: Math.max(storage.rssLoaded, storage.rssAfterGets) } }
}

function scenarios (plan: typeof FULL): LatencyScenario[] {
  return [
    { relays: 5, budget: plan.small, sequentialPuts: plan.sequential.puts, sequentialBudgetMs: plan.sequential.budgetMs, agreementKeys: plan.agreementKeys },
    { relays: GOAL_RELAYS, budget: plan.large, sequentialPuts: 0, sequentialBudgetMs: 0, agreementKeys: plan.agreementKeys }
  ]
}

/** kad-dht stores the same number of bytes a slurp put sends: a real record of the bench's draft. */
async function rawValueLike (network: MeshNetwork): Promise<Uint8Array> {
  const member = await network.member([MESH_ROLE])
  return (await createContextRecord({ policy: network.policy, author: { ...member, role: MESH_ROLE }, address: meshAddress('raw', 0), draft: contextDraft(0) })).bytes
}
