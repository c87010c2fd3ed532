import { UsageError } from '../errors.ts'
import type { NodeId } from './types.ts'

export interface RaftConfigInput {
  /** This voter's id; must be one of `voters`. */
  id: NodeId
  /** Every voter, this one included (the policy names 3 or 5). */
  voters: readonly NodeId[]
  /**
   * T. A follower that hears no leader for a random time in [T, 2T) starts an
   * election; a voter that heard a leader less than T ago refuses to help
   * replace it; a leader that heard from no majority in T steps down
   * (CheckQuorum). Default 750 ms: with 100 ms heartbeats a dead leader is
   * replaced in about T·1.3 + one round trip (the first of the followers' random
   * timeouts to fire), which keeps failover near one second.
   */
  electionTimeoutMs?: number
  /** How often the leader sends AppendEntries when there is nothing new. Default 100 ms; must be well under T. */
  heartbeatMs?: number
  /**
   * How long after a majority accepted its heartbeat the leader may act alone
   * (lease reads, claims). Must stay under T by the clocks' worst drift over T.
   * Default 0.9·T (tolerates 10 % drift).
   */
  leaseMs?: number
  /** Most entries per AppendEntries. Default 256. */
  maxEntriesPerMessage?: number
  /** Applied entries beyond the last snapshot that trigger a new one (log compaction). Default 1024. */
  snapshotThreshold?: number
  /**
   * Test-only switches that break Raft on purpose, for mutation tests that
   * prove the simulation catches the bug. Never set them anywhere else.
   */
  testing?: {
    /** Send answers (votes included) before the term and vote they depend on are on disk. */
    answerBeforePersistingHardState?: boolean
  }
}

export interface RaftConfig {
  readonly id: NodeId
  readonly voters: readonly NodeId[]
  readonly electionTimeoutMs: number
  readonly heartbeatMs: number
  readonly leaseMs: number
  readonly maxEntriesPerMessage: number
  readonly snapshotThreshold: number
  readonly answerBeforePersistingHardState: boolean
}

export const DEFAULT_ELECTION_TIMEOUT_MS = 750
export const DEFAULT_HEARTBEAT_MS = 100

function positive (name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`raft ${name} must be a positive number, got ${value}`)
  return value
}

export function resolveConfig (input: RaftConfigInput): RaftConfig {
  const voters = [...input.voters]
  if (new Set(voters).size !== voters.length) throw new UsageError('raft voters must be distinct')
  if (!voters.includes(input.id)) throw new UsageError(`raft id ${input.id} is not one of the voters`)
  const electionTimeoutMs = positive('electionTimeoutMs', input.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS)
  const heartbeatMs = positive('heartbeatMs', input.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)
  if (heartbeatMs * 2 > electionTimeoutMs) throw new UsageError('raft heartbeatMs must be at most half of electionTimeoutMs')
  const leaseMs = positive('leaseMs', input.leaseMs ?? electionTimeoutMs * 0.9)
  if (leaseMs >= electionTimeoutMs) throw new UsageError('raft leaseMs must be shorter than electionTimeoutMs')
  return {
    id: input.id,
    voters,
    electionTimeoutMs,
    heartbeatMs,
    leaseMs,
    maxEntriesPerMessage: Math.floor(positive('maxEntriesPerMessage', input.maxEntriesPerMessage ?? 256)),
    snapshotThreshold: Math.floor(positive('snapshotThreshold', input.snapshotThreshold ?? 1024)),
    answerBeforePersistingHardState: input.testing?.answerBeforePersistingHardState === true
  }
}

/** Votes (or acknowledgements) that make a majority of `voters`. */
export function quorumOf (voters: number): number {
  return Math.floor(voters / 2) + 1
}
