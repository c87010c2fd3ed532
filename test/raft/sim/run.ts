import { equalBytes } from '../../../src/encoding/bytes.ts'
import { seededRandom } from '../../../src/raft/random.ts'
import { SimClients } from './clients.ts'
import { SimCluster } from './cluster.ts'
import type { QueueNode, Stats } from './cluster.ts'
import { MIXED, Nemesis } from './nemesis.ts'
import type { Profile } from './nemesis.ts'

export interface RunOptions {
  /** Default: 3 voters for even seeds, 5 for odd ones. */
  voters?: number
  profile?: Profile
  /** The mutation: answers (votes) leave before the term and vote are on disk. */
  answerBeforePersisting?: boolean
  chaosMs?: number
  settleMs?: number
  clients?: number
  requestsEach?: number
}

export interface RunReport {
  seed: number
  voters: number
  profile: string
  problems: string[]
  steps: string[]
  acknowledged: number
  completed: number
  terms: number
  events: number
  virtualMs: number
  stats: Stats & { fencedWrites: number, messages: number, dropped: number, duplicated: number }
}

/**
 * One seeded run: voters boot, clients send requests and the leader works
 * through them while the nemesis strikes; then every fault stops, every voter
 * runs again, and the cluster must settle: one leader with its lease, every
 * request in the log done, every voter at the same applied index and state.
 * Then the history is checked.
 */
export async function runSeed (seed: number, options: RunOptions = {}): Promise<RunReport> {
  const voters = options.voters ?? (seed % 2 === 0 ? 3 : 5)
  const profile = options.profile ?? MIXED
  const chaosMs = options.chaosMs ?? 8000
  const settleMs = options.settleMs ?? 30_000
  const cluster = new SimCluster({ seed, voters, answerBeforePersisting: options.answerBeforePersisting })
  const history = cluster.history
  const clients = new SimClients(cluster, seededRandom(seed * 7919 + 3), options.clients ?? 2, options.requestsEach ?? 12)
  const nemesis = new Nemesis(cluster, seededRandom(seed * 7919 + 4), profile)
  try {
    for (const host of cluster.hosts) await cluster.boot(host)
    clients.start()
    nemesis.start(chaosMs)
    await cluster.scheduler.run(chaosMs)
    clients.stop()
    nemesis.stop()
    let lastCheck = -Infinity
    const settled = await cluster.scheduler.run(chaosMs + settleMs, () => {
      if (cluster.now - lastCheck < 20) return false
      lastCheck = cluster.now
      return settledProblems(cluster).length === 0
    })
    if (!settled) {
      for (const problem of settledProblems(cluster)) history.problem(`did not settle in ${settleMs} ms: ${problem}`)
    } else {
      finalChecks(cluster)
    }
  } catch (error) {
    history.problem(`the run threw: ${(error as Error).stack ?? String(error)}`)
  }
  const leaderMachine = cluster.leader?.machine
  return {
    seed,
    voters,
    profile: profile.name,
    problems: history.problems,
    steps: cluster.steps,
    acknowledged: history.acked.size,
    completed: leaderMachine?.status().done ?? 0,
    terms: history.leadersByTerm.size,
    events: cluster.scheduler.events,
    virtualMs: cluster.now,
    stats: {
      ...cluster.stats,
      fencedWrites: cluster.results.fenced,
      messages: cluster.network.stats.sent,
      dropped: cluster.network.stats.dropped,
      duplicated: cluster.network.stats.duplicated
    }
  }
}

/** Why the cluster has not settled yet (empty: it has). */
function settledProblems (cluster: SimCluster): string[] {
  const down = cluster.hosts.filter(host => !host.alive).map(host => host.id)
  if (down.length > 0) return [`voters down: ${down.join(', ')}`]
  const leaders = cluster.hosts.filter(host => host.node?.role === 'leader' && host.node.hasLease())
  if (leaders.length !== 1) return [`${leaders.length} leaders with a lease (roles ${cluster.hosts.map(host => `${host.id}:${host.node?.role ?? '-'}/${host.node?.term ?? '-'}`).join(' ')})`]
  const leader = leaders[0] as typeof leaders[number]
  const node = leader.node as QueueNode
  const machine = leader.machine as NonNullable<typeof leader.machine>
  const unfinished = machine.all().filter(queued => queued.state !== 'done')
  if (unfinished.length > 0) return [`${unfinished.length} requests not done on leader ${leader.id} (${unfinished.slice(0, 4).map(queued => `${queued.request.id}:${queued.state}`).join(' ')})`]
  for (const [id] of cluster.history.acked) {
    if (machine.get(id) === undefined) return [`acknowledged request ${id} is not in the leader's queue`]
  }
  const commit = node.status().commitIndex
  const behind = cluster.hosts.filter(host => host.node?.status().appliedIndex !== commit)
  if (behind.length > 0) return [`voters behind the leader's commit index ${commit}: ${behind.map(host => `${host.id}@${host.node?.status().appliedIndex ?? '-'}`).join(' ')}`]
  return []
}

/** The history checker, on a settled cluster. */
function finalChecks (cluster: SimCluster): void {
  const history = cluster.history
  history.checkLeases()
  const leader = cluster.leader
  const machine = leader?.machine
  if (leader === undefined || machine === undefined) {
    history.problem('no leader after settling')
    return
  }
  // Every acknowledged request completed, with exactly one stored result, the one the queue recorded.
  for (const [id, canonical] of history.acked) {
    if (machine.canonicalId(id) !== canonical) history.problem(`request ${id} was acknowledged as ${canonical}, the queue says ${machine.canonicalId(id) ?? 'unknown'}`)
  }
  for (const queued of machine.all()) {
    const id = queued.request.id
    const stored = cluster.results.results.get(id)
    if (queued.state !== 'done' || queued.result === undefined) {
      history.problem(`request ${id} is ${queued.state}, not done`)
    } else if (stored === undefined) {
      history.problem(`request ${id} is done but no result is stored`)
    } else if (stored.term !== queued.result.term || stored.version !== queued.result.version) {
      history.problem(`request ${id}: the queue recorded ${queued.result.term}/${queued.result.version}, the store holds ${stored.term}/${stored.version} from ${stored.writer}`)
    }
  }
  // No completion without a request.
  for (const id of cluster.results.results.keys()) {
    if (machine.get(id)?.request.id !== id) history.problem(`a result is stored for ${id}, which is no request in the queue`)
  }
  // Every voter holds the same state.
  const state = machine.snapshot()
  for (const host of cluster.hosts) {
    if (host.machine !== undefined && !equalBytes(host.machine.snapshot(), state)) history.problem(`${host.id}'s queue differs from the leader's`)
  }
}

export function describe (report: RunReport): string {
  return [
    `seed ${report.seed} (${report.voters} voters, ${report.profile}): ${report.acknowledged} acknowledged, ${report.completed} done, ${report.terms} terms, ${report.events} events, ${(report.virtualMs / 1000).toFixed(1)} s simulated`,
    `stats ${JSON.stringify(report.stats)}`,
    'steps:',
    ...report.steps.map(step => `  ${step}`),
    'problems:',
    ...report.problems.map(problem => `  ${problem}`)
  ].join('\n')
}
