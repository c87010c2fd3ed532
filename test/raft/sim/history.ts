import type { Entry } from '../../../src/raft/types.ts'

/**
 * What happened during one run, recorded as it happens, and the checks that
 * can be made on the spot: no two leaders in one term, and every voter applies
 * the same entry at each index (committed logs are prefixes of one another).
 */
export class History {
  readonly problems: string[] = []
  readonly leadersByTerm = new Map<number, Set<string>>()
  readonly elections: Array<{ term: number, at: number, node: string }> = []
  /** Claims made under the lease: when, by whom, in which term. */
  readonly claims: Array<{ term: number, at: number, node: string }> = []
  private readonly committed = new Map<number, string>()
  /** Acknowledged request ids, with the request each was deduplicated to. */
  readonly acked = new Map<string, string>()
  /** A clock jumped during the run: the lease (which assumes clocks that do not jump) is not checked. */
  clockJumped = false

  problem (text: string): void {
    if (this.problems.length < 40) this.problems.push(text)
  }

  leader (term: number, node: string, at: number): void {
    const leaders = this.leadersByTerm.get(term) ?? new Set<string>()
    leaders.add(node)
    this.leadersByTerm.set(term, leaders)
    if (leaders.size > 1) this.problem(`two leaders in term ${term}: ${[...leaders].join(', ')}`)
    this.elections.push({ term, at, node })
  }

  applied (node: string, entry: Entry): void {
    const digest = `${entry.term}:${JSON.stringify(entry.command ?? null)}`
    const seen = this.committed.get(entry.index)
    if (seen === undefined) this.committed.set(entry.index, digest)
    else if (seen !== digest) this.problem(`${node} applied a different entry at index ${entry.index}: ${digest.slice(0, 80)} vs ${seen.slice(0, 80)}`)
  }

  ack (id: string, canonical: string): void {
    const before = this.acked.get(id)
    if (before !== undefined && before !== canonical) this.problem(`request ${id} acknowledged as ${canonical}, earlier as ${before}`)
    this.acked.set(id, canonical)
  }

  claim (term: number, node: string, at: number): void {
    this.claims.push({ term, at, node })
  }

  /**
   * Lease safety: no leader of a later term was elected before a claim made
   * under an earlier term's lease. Holds only while clocks run at one rate and
   * do not jump, so runs with clock jumps skip it.
   */
  checkLeases (): void {
    if (this.clockJumped) return
    for (const claim of this.claims) {
      const early = this.elections.find(election => election.term > claim.term && election.at < claim.at)
      if (early !== undefined) {
        this.problem(`lease broken: ${claim.node} claimed under its term-${claim.term} lease at ${claim.at.toFixed(1)} ms, after ${early.node} was elected for term ${early.term} at ${early.at.toFixed(1)} ms`)
        return
      }
    }
  }
}
