// The LevelDB adapter is left out on purpose: it loads a native module, so only
// Node code imports it (the Node entry, src/index.node.ts, re-exports it).
export type { BatchOperation, KVStore, ListOptions, StoreOptions } from './types.ts'
export { createMemoryStore } from './memory.ts'
export { createIdbStore } from './idb.ts'
export type { IdbStoreOptions } from './idb.ts'
export { createCachedStore } from './cache.ts'
export type { CachedStore, CacheOptions, CacheStats } from './cache.ts'
