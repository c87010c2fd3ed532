// Node's, for eventLoopUtilization (the DOM typings of the global lack it).
import { performance } from 'node:perf_hooks'
import type { Measurement } from '../measure.ts'
import { showProgress } from '../progress.ts'
import { summarize } from '../stats.ts'

/** How many rounds to time: at least min, then until the budget is spent, never more than max. */
export interface RoundBudget {
  readonly warmup: number
  readonly min: number
  readonly max: number
  readonly budgetMs: number
}

/**
 * One timed call per round. It returns nothing to be timed as a whole, or
 * named times of its own (a raw get reports its end and its first value).
 */
export interface Step {
  readonly id: string
  run (round: number): Promise<void | Record<string, number>>
}

export interface RoundsResult {
  readonly samples: Map<string, number[]>
  readonly rounds: number
  readonly wallMs: number
  /** CPU time this process used meanwhile, on every thread (WebCrypto and LevelDB work on libuv's pool). */
  readonly cpuMs: number
  /**
   * Share of the time the one JavaScript thread, which every relay and peer
   * here shares, was busy: near 1 means requests queued behind each other.
   */
  readonly eventLoopBusy: number
}

/**
 * Runs every step once per round, in order, on a fresh round index (a fresh
 * address): a burst of load from other processes then hits every step alike,
 * as measureInterleaved does for the crypto suites. Warm-up rounds use their
 * own indexes, so timed rounds never touch an address twice.
 */
export async function runRounds (label: string, budget: RoundBudget, steps: readonly Step[], beforeTimed: () => void = () => {}): Promise<RoundsResult> {
  for (let round = 0; round < budget.warmup; round++) {
    showProgress(`${label}: warm-up ${round + 1}/${budget.warmup}`)
    for (const step of steps) await step.run(round)
  }
  // Probes drop what the warm-up left in them here.
  beforeTimed()
  const samples = new Map<string, number[]>()
  const record = (id: string, ms: number): void => {
    const list = samples.get(id) ?? []
    list.push(ms)
    samples.set(id, list)
  }
  const cpu = process.cpuUsage()
  const loop = performance.eventLoopUtilization()
  const started = performance.now()
  let round = 0
  while (round < budget.max && (round < budget.min || performance.now() - started < budget.budgetMs)) {
    showProgress(`${label}: round ${round + 1} (${((performance.now() - started) / 1000).toFixed(0)} s of ${budget.budgetMs / 1000} s)`)
    for (const step of steps) {
      const stepStarted = performance.now()
      const reported = await step.run(budget.warmup + round)
      const elapsed = performance.now() - stepStarted
      if (reported === undefined) record(step.id, elapsed)
      else for (const [id, ms] of Object.entries(reported)) record(id, ms)
    }
    round++
  }
  const used = process.cpuUsage(cpu)
  return {
    samples,
    rounds: round,
    wallMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    eventLoopBusy: performance.eventLoopUtilization(loop).utilization
  }
}

/** Single timed calls as the tables' Measurement (batch 1: every sample is one call). */
export function measured (samples: readonly number[]): Measurement {
  return { ...summarize(samples), batch: 1 }
}
