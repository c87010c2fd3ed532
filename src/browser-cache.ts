import { utf8Decode, utf8Encode } from './encoding/bytes.ts'
import { createIdbStore } from './store/idb.ts'
import type { KVStore } from './store/types.ts'

/**
 * The browser's decrypted cache belongs to one network. Decrypted context of
 * another network must never stay readable beside it or show up in its
 * search, whichever way the keys changed (the app's import, an embedding
 * page, a second tab): the cache records whose it is, and a peer of another
 * network empties it before using it.
 */
export const DEFAULT_CACHE_DATABASE = 'slurp'
export const CACHE_STORE_NAME = 'context'
const OWNER_KEY = 'owner/network'

/** Empties `cache` unless it belongs to `network` (the root key, base64url), then marks it as that network's. Opens the store. */
export async function bindCacheToNetwork (cache: KVStore, network: string, options: { signal?: AbortSignal } = {}): Promise<{ cleared: number }> {
  await cache.open(options)
  const owner = await cache.get(OWNER_KEY, options)
  if (owner !== undefined && utf8Decode(owner) === network) return { cleared: 0 }
  const cleared = await emptyStore(cache, options.signal)
  await cache.put(OWNER_KEY, utf8Encode(network), options)
  return { cleared }
}

/** Deletes every entry of the browser's decrypted cache (IndexedDB), with no peer running. */
export async function clearBrowserCache (options: { database?: string, signal?: AbortSignal } = {}): Promise<number> {
  const cache = createIdbStore({ database: options.database ?? DEFAULT_CACHE_DATABASE, storeName: CACHE_STORE_NAME })
  await cache.open(options)
  try {
    return await emptyStore(cache, options.signal)
  } finally {
    await cache.close()
  }
}

async function emptyStore (cache: KVStore, signal?: AbortSignal): Promise<number> {
  const keys: string[] = []
  for await (const [key] of cache.list('', signal === undefined ? {} : { signal })) keys.push(key)
  if (keys.length > 0) await cache.batch(keys.map(key => ({ type: 'delete' as const, key })), signal === undefined ? {} : { signal })
  return keys.length
}
