import type { RelayNode } from '../../src/relay.ts'

/** Background work of the relays' replication managers, which shares the thread with the timed calls. */
export interface ReplicationTotals {
  readonly antiEntropyRounds: number
  readonly pulled: number
  readonly pushed: number
  readonly repairPasses: number
}

/** Summed over the relays, minus `since`: the anti-entropy and repair work that ran meanwhile. */
export function replicationTotals (relays: readonly RelayNode[], since?: ReplicationTotals): ReplicationTotals {
  const sum = (pick: (summary: ReturnType<RelayNode['replication']['summary']>) => number, base = 0): number =>
    relays.reduce((total, relay) => total + pick(relay.replication.summary()), 0) - base
  return {
    antiEntropyRounds: sum(summary => summary.antiEntropyRounds, since?.antiEntropyRounds),
    pulled: sum(summary => summary.pulled, since?.pulled),
    pushed: sum(summary => summary.pushed, since?.pushed),
    repairPasses: sum(summary => summary.repairPasses, since?.repairPasses)
  }
}
