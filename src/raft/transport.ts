import type { RaftMessage } from './types.ts'

/**
 * How voters reach each other. Raft asks nothing of it: messages may be lost,
 * duplicated, reordered or delayed, and the node copes. `send` never throws
 * and never waits; the wiring (libp2p streams) queues and drops as it must.
 */
export interface Transport<C = unknown> {
  send: (to: string, message: RaftMessage<C>) => void
  /** Registers the handler for messages addressed to this node; returns a function that removes it. */
  onMessage: (handler: (message: RaftMessage<C>) => void) => () => void
}
