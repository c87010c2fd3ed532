// The shim must run before anything that may load libp2p.
import './runtime/node-shim.ts'

export * from './index.ts'
export { createLevelStore } from './store/level.node.ts'
export type { LevelStoreOptions } from './store/level.node.ts'
