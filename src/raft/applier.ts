import type { RaftListener } from './node-api.ts'
import type { StateMachine } from './state-machine.ts'
import type { Proposals } from './proposals.ts'
import type { Snapshots } from './snapshots.ts'
import type { RaftState } from './state.ts'
import type { NodeId } from './types.ts'

export interface ApplierComponents<C, R> {
  id: NodeId
  state: Pick<RaftState<C>, 'log' | 'commitIndex' | 'appliedIndex'>
  machine: Pick<StateMachine<C, R, unknown>, 'apply'>
  listeners: Iterable<Pick<RaftListener<C, R>, 'applied'>>
  /** Settles the proposal waiting for each entry applied. */
  proposals: Pick<Proposals<C, R>, 'applied'>
  /** After applying: the log may have grown long enough to compact. */
  snapshots: Pick<Snapshots<C>, 'compactIfDue'>
}

/** Feeds committed entries to the state machine, in order, once each. */
export class Applier<C, R> {
  constructor (private readonly components: ApplierComponents<C, R>) {}

  applyCommitted (): void {
    const { state } = this.components
    while (state.appliedIndex < state.commitIndex) {
      const entry = state.log.entry(state.appliedIndex + 1)
      if (entry === undefined) throw new Error(`raft: ${this.components.id} has committed index ${state.appliedIndex + 1} but not the entry`)
      state.appliedIndex = entry.index
      const result = this.components.machine.apply(entry)
      for (const listener of this.components.listeners) listener.applied?.(entry, result)
      this.components.proposals.applied(entry, result)
    }
    this.components.snapshots.compactIfDue()
  }
}
