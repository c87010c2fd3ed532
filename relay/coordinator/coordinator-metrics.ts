import type { CoordinatorEvent, CoordinatorStatus } from '../../src/coordinator/types.ts'
import { PRIORITIES } from '../../src/raft/queue-commands.ts'
import type { MetricsRegistry } from '../metrics/registry.ts'

/** Seconds: a static draft takes milliseconds, an LLM's up to the minute it may take. */
export const GENERATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/**
 * A coordinator's Prometheus metrics: elections and generations (by outcome,
 * with a latency histogram) counted from its events; term, leadership and
 * queue depth read from its status at each scrape.
 */
export function createCoordinatorMetrics (registry: MetricsRegistry, status: () => CoordinatorStatus): (event: CoordinatorEvent) => void {
  const elections = registry.counter({ name: 'slurp_coordinator_elections_total', help: 'Elections this voter started (after winning its pre-vote round).' })
  const generations = registry.counter({ name: 'slurp_generations_total', help: 'Generation attempts this voter ran as leader, by outcome (done, error, aborted, fenced).', labelNames: ['outcome'] })
  const latency = registry.histogram({ name: 'slurp_generation_duration_seconds', help: 'Time from the start of one generation attempt to its end.', buckets: GENERATION_BUCKETS })
  const term = registry.gauge({ name: 'slurp_coordinator_term', help: 'The Raft term this voter is in.' })
  const leader = registry.gauge({ name: 'slurp_coordinator_is_leader', help: '1 while this voter leads and holds its lease, else 0.' })
  const depth = registry.gauge({ name: 'slurp_generation_queue_depth', help: 'Requests waiting in the replicated queue, by priority.', labelNames: ['priority'] })
  const inFlight = registry.gauge({ name: 'slurp_generation_in_flight', help: 'Requests claimed and not yet finished.' })
  const finished = registry.gauge({ name: 'slurp_generation_requests', help: 'Requests the queue holds as finished, by state (done, failed).', labelNames: ['state'] })
  registry.onScrape(async () => {
    const now = status()
    term.set(now.term)
    leader.set(now.role === 'leader' && now.lease ? 1 : 0)
    for (const priority of PRIORITIES) depth.set({ priority }, now.queue.pending[priority])
    inFlight.set(now.queue.inFlight)
    finished.set({ state: 'done' }, now.queue.done)
    finished.set({ state: 'failed' }, now.queue.failed)
  })
  return event => {
    if (event.type === 'election') elections.inc()
    else if (event.type === 'generation') {
      generations.inc({ outcome: event.outcome })
      latency.observe(event.ms / 1000)
    }
  }
}
