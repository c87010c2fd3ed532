/**
 * Coordinators (issue 13): the voters that elect the generation leader and
 * replicate its queue, running src/raft on libp2p, and the client members use
 * to reach them.
 */
export { createCoordinator } from './coordinator.ts'
export type { Coordinator, CoordinatorInit } from './coordinator.ts'
export { createCoordinatorClient } from './client.ts'
export type { CoordinatorClient, CoordinatorClientInit } from './client.ts'
export { ElectionAudit } from './election-audit.ts'
export type { ElectionAuditSink } from './election-audit.ts'
export { COORDINATOR_PROTOCOL, MAX_WAIT_MS, requestStatus, requestSubmit, requestWait, serveCoordinator } from './protocol.ts'
export type { CoordinatorHandlers } from './protocol.ts'
export { RAFT_PROTOCOL, RaftTransport } from './raft-transport.ts'
export type { RaftTransportInit, RaftTransportStats } from './raft-transport.ts'
export { voterPeerId, voterPrivateKey } from './voter-identity.ts'
export type { Ack, CoordinatorEvent, CoordinatorStatus, GenerationOutcome, RequestOutcome, VoterState } from './types.ts'
