// The shim must run before anything that may load libp2p.
import './runtime/node-shim.ts'

export * from './index.ts'
export { createLevelStore } from './store/level.node.ts'
export type { LevelStoreOptions } from './store/level.node.ts'
// Running the mesh from a program: what the CLI does, from a network directory.
export { RelayNode } from './relay.ts'
export type { RelayInit } from './relay.ts'
export type { StoredDetail } from './keeper/record-keeper.ts'
export { createPeerFromDir } from '../relay/from-dir.ts'
export type { PeerFromDirOptions } from '../relay/from-dir.ts'
export { startRelayServer } from '../relay/relay-server.ts'
export type { RelayServerOptions, RunningRelay } from '../relay/relay-server.ts'
export { NetworkDir } from '../relay/network-dir.ts'
