/**
 * A small Raft for the voters that elect the generation leader and replicate
 * its queue (issue 13). Pure TypeScript: clock, transport, randomness and
 * storage are injected, so it runs on libp2p streams and inside the
 * deterministic simulation in test/raft alike.
 */
export { systemClock, nonDecreasing } from './clock.ts'
export type { Clock } from './clock.ts'
export { seededRandom, systemRandom } from './random.ts'
export type { Random } from './random.ts'
export type { Transport } from './transport.ts'
export { MemoryRaftStorage } from './storage.ts'
export type { RaftStorage, StoredState, StorageOptions } from './storage.ts'
export { KVRaftStorage } from './kv-storage.ts'
export { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, quorumOf, resolveConfig } from './config.ts'
export type { RaftConfig, RaftConfigInput } from './config.ts'
export type { StateMachine } from './state-machine.ts'
export { RaftNode } from './node.ts'
export type { ProposeOptions, RaftListener, RaftNodeInit, RaftStatus } from './node.ts'
export { encodeMessage, decodeMessage } from './message-codec.ts'
export { parseQueueCommand, PRIORITIES } from './queue-commands.ts'
export type { GenerationRequest, GenerationResult, Priority, QueueCommand } from './queue-commands.ts'
export { QueueMachine } from './queue-machine.ts'
export type { QueuedRequest, QueueResult, QueueStatus, RequestState } from './queue-machine.ts'
export { QueueWorker } from './queue-worker.ts'
export type { QueueWorkerInit, Work, WorkContext, WorkerEvent } from './queue-worker.ts'
export type { AppendReply, AppendRequest, Entry, HardState, NodeId, RaftMessage, Role, Snapshot, SnapshotRequest, VoteReply, VoteRequest } from './types.ts'
