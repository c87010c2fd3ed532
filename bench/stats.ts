/** Summaries of per-operation times, in milliseconds. */
export interface Summary {
  readonly samples: number
  readonly median: number
  readonly p95: number
  readonly min: number
  readonly max: number
}

export function median (values: readonly number[]): number {
  return percentile(values, 50)
}

export function p95 (values: readonly number[]): number {
  return percentile(values, 95)
}

/** Linear interpolation between closest ranks, so small sample counts still move smoothly. */
export function percentile (values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (p / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const a = sorted[low] as number
  const b = sorted[high] as number
  return a + (b - a) * (rank - low)
}

export function summarize (values: readonly number[]): Summary {
  return {
    samples: values.length,
    median: median(values),
    p95: p95(values),
    min: Math.min(...values),
    max: Math.max(...values)
  }
}
