/** Weighted edges: source node → target node → weight (> 0). */
export type WeightedEdges = ReadonlyMap<number, ReadonlyMap<number, number>>

export interface PageRankOptions {
  /** The chance of following an edge rather than jumping anywhere. Default 0.85, as networkx (which aider uses). */
  readonly damping?: number
  /** Stop when the ranks move less than this in total (L1), per node. Default 1e-9. */
  readonly tolerance?: number
  readonly maxIterations?: number
}

/**
 * Weighted PageRank by power iteration, as networkx computes it: a node's rank
 * flows along its out-edges in proportion to their weights; nodes without
 * out-edges (dangling) spread theirs over every node. Ranks sum to 1.
 */
export function pageRank (nodes: number, edges: WeightedEdges, options: PageRankOptions = {}): Float64Array {
  const damping = options.damping ?? 0.85
  const tolerance = options.tolerance ?? 1e-9
  const maxIterations = options.maxIterations ?? 100
  if (nodes === 0) return new Float64Array(0)
  // Out-edges as flat arrays, weights normalised to shares of the source's total.
  const sources: number[] = []
  const targets: number[] = []
  const shares: number[] = []
  const dangling = new Uint8Array(nodes).fill(1)
  for (const [source, out] of edges) {
    let total = 0
    for (const weight of out.values()) total += weight
    if (!(total > 0)) continue
    dangling[source] = 0
    for (const [target, weight] of out) {
      sources.push(source)
      targets.push(target)
      shares.push(weight / total)
    }
  }
  let rank = new Float64Array(nodes).fill(1 / nodes)
  let next = new Float64Array(nodes)
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let danglingRank = 0
    for (let i = 0; i < nodes; i++) if (dangling[i] === 1) danglingRank += rank[i] as number
    const base = (1 - damping) / nodes + damping * danglingRank / nodes
    next.fill(base)
    for (let e = 0; e < sources.length; e++) {
      const target = targets[e] as number
      next[target] = (next[target] as number) + damping * (rank[sources[e] as number] as number) * (shares[e] as number)
    }
    let change = 0
    for (let i = 0; i < nodes; i++) change += Math.abs((next[i] as number) - (rank[i] as number))
    ;[rank, next] = [next, rank]
    if (change < nodes * tolerance) break
  }
  return rank
}
