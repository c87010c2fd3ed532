import { summarize } from './stats.ts'
import type { Summary } from './stats.ts'

export interface MeasureOptions {
  readonly warmupMs: number
  /** Per operation: a group of n operations samples for n × budgetMs (once minSamples are in). */
  readonly budgetMs: number
  readonly minSamples: number
  readonly maxSamples: number
  /**
   * Operations faster than this are timed in batches, so timer resolution and
   * loop overhead stay small against what is measured; the sample is the batch mean.
   */
  readonly minSampleMs: number
}

export interface Measurement extends Summary {
  /** Operations per sample: 1 means every sample is one call. */
  readonly batch: number
}

export type Operation = () => unknown

interface Prepared {
  readonly op: Operation
  readonly isAsync: boolean
  readonly batch: number
  readonly times: number[]
}

// Results go somewhere observable, so no engine can drop a call as dead code.
const sink: { value: unknown } = { value: undefined }

/**
 * Times several implementations of one case in rounds, one sample of each per
 * round: on a shared, noisy machine a burst of load then hits all of them
 * alike, and the ratios between them stay far steadier than back-to-back runs.
 */
export async function measureInterleaved (ops: readonly Operation[], options: MeasureOptions): Promise<Measurement[]> {
  const prepared: Prepared[] = []
  for (const op of ops) prepared.push(await prepare(op, options))
  const deadline = performance.now() + options.budgetMs * ops.length
  for (let round = 0; round < options.maxSamples && (round < options.minSamples || performance.now() < deadline); round++) {
    for (const entry of prepared) entry.times.push(await timeBatch(entry.op, entry.batch, entry.isAsync) / entry.batch)
  }
  return prepared.map(entry => ({ ...summarize(entry.times), batch: entry.batch }))
}

/** Exactly `count` single calls after `warmup` untimed ones: for cases too slow to batch or budget. */
export async function measureFixed (op: Operation, count: number, warmup: number): Promise<Measurement> {
  for (let i = 0; i < warmup; i++) await op()
  const times: number[] = []
  for (let i = 0; i < count; i++) times.push(await timeBatch(op, 1, true))
  return { ...summarize(times), batch: 1 }
}

async function prepare (op: Operation, options: MeasureOptions): Promise<Prepared> {
  const first = op()
  const isAsync = first instanceof Promise
  if (isAsync) await first
  const warm: number[] = []
  const warmEnd = performance.now() + options.warmupMs
  while (warm.length < 3 || performance.now() < warmEnd) warm.push(await timeBatch(op, 1, isAsync))
  // The tail of the warm-up is past JIT tiering; its median sets the batch size.
  const estimate = summarize(warm.slice(-Math.max(3, Math.floor(warm.length / 2)))).median
  const batch = estimate >= options.minSampleMs ? 1 : Math.ceil(options.minSampleMs / Math.max(estimate, 1e-4))
  return { op, isAsync, batch, times: [] }
}

async function timeBatch (op: Operation, count: number, isAsync: boolean): Promise<number> {
  const start = performance.now()
  if (isAsync) {
    for (let i = 0; i < count; i++) sink.value = await op()
  } else {
    for (let i = 0; i < count; i++) sink.value = op()
  }
  return performance.now() - start
}
