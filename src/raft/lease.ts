import type { Clock } from './clock.ts'
import type { Replication } from './replication.ts'
import type { RaftState } from './state.ts'

export interface LeaderLeaseComponents {
  state: Pick<RaftState<unknown>, 'role' | 'appliedIndex' | 'termStartIndex'>
  clock: Pick<Clock, 'now'>
  leaseMs: number
  quorum: number
  replication: Pick<Replication<unknown>, 'acked'>
}

/**
 * The leader lease: a leader whose heartbeat a majority accepted less than
 * leaseMs ago knows no other leader can exist yet (the voters that accepted it
 * refuse to elect one for T), so it may answer reads and hand out work alone.
 */
export class LeaderLease {
  constructor (private readonly components: LeaderLeaseComponents) {}

  /** This node leads with a valid lease and an up-to-date state machine (its term's no-op is applied). */
  holds (): boolean {
    const { state } = this.components
    if (state.role !== 'leader' || state.appliedIndex < state.termStartIndex) return false
    return this.components.clock.now() < this.start() + this.components.leaseMs
  }

  /** The latest time a majority (this leader included) had accepted it: the lease runs from there. */
  private start (): number {
    const stamps = [Infinity, ...this.components.replication.acked()].sort((a, b) => b - a)
    return stamps[this.components.quorum - 1] as number
  }
}
