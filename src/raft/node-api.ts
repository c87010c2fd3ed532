import type { Clock } from './clock.ts'
import type { RaftConfigInput } from './config.ts'
import type { Random } from './random.ts'
import type { StateMachine } from './state-machine.ts'
import type { RaftStorage } from './storage.ts'
import type { Transport } from './transport.ts'
import type { Entry, NodeId, Role } from './types.ts'

export interface RaftNodeInit<C, R, S> {
  config: RaftConfigInput
  clock: Clock
  transport: Transport<C>
  random: Random
  storage: RaftStorage<C>
  machine: StateMachine<C, R, S>
}

/** What a node tells whoever watches it (the queue worker, status pages, the simulation's history). */
export interface RaftListener<C, R> {
  roleChanged?: (change: { role: Role, term: number, leader: NodeId | undefined }) => void
  /** After each committed entry is applied, on every voter. */
  applied?: (entry: Entry<C>, result: R | undefined) => void
  /** After the state machine was replaced by a snapshot from the leader. */
  restored?: (snapshot: { lastIndex: number, lastTerm: number }) => void
  /** The node stopped on an error it cannot go on from (storage failed, an invariant broke). */
  failed?: (error: Error) => void
}

export interface RaftStatus<S> {
  id: NodeId
  role: Role
  term: number
  leader: NodeId | undefined
  voters: readonly NodeId[]
  commitIndex: number
  appliedIndex: number
  lastIndex: number
  snapshotIndex: number
  /** This node leads, its no-op is applied and a majority accepted it less than leaseMs ago. */
  lease: boolean
  machine: S
}

export interface ProposeOptions {
  signal?: AbortSignal
}
