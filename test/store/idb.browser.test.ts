import { afterAll, describe, expect, it } from 'vitest'
import { StorageError } from '../../src/errors.ts'
import { createIdbStore } from '../../src/store/idb.ts'
import { describeStoreConformance } from './conformance.ts'

const run = `${Date.now()}-${Math.random().toString(36).slice(2)}`
const databases: string[] = []
let counter = 0

function uniqueDatabase (): string {
  const name = `slurp-test-${run}-${counter++}`
  databases.push(name)
  return name
}

afterAll(async () => {
  await Promise.all(databases.map(async name => {
    await new Promise<void>(resolve => {
      const request = indexedDB.deleteDatabase(name)
      request.onsuccess = request.onerror = request.onblocked = () => { resolve() }
    })
  }))
})

describeStoreConformance('IndexedDB', () => createIdbStore({ database: uniqueDatabase(), storeName: 'kv' }))

describe('IndexedDB store', () => {
  it('shares data between two stores on the same database', async () => {
    const database = uniqueDatabase()
    const writer = createIdbStore({ database, storeName: 'kv' })
    const reader = createIdbStore({ database, storeName: 'kv' })
    await writer.open()
    await reader.open()
    try {
      await writer.put('k', Uint8Array.from([1, 2]))
      expect(await reader.get('k')).toEqual(Uint8Array.from([1, 2]))
    } finally {
      await writer.close()
      await reader.close()
    }
  })

  it('fails with StorageError when the database lacks the object store', async () => {
    const database = uniqueDatabase()
    const first = createIdbStore({ database, storeName: 'kv' })
    await first.open()
    await first.close()
    const other = createIdbStore({ database, storeName: 'elsewhere' })
    const err = await other.open().then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as Error).message).toMatch(/object store "elsewhere"/)
  })

  it('lets the database be deleted while open, then fails with StorageError', async () => {
    const database = uniqueDatabase()
    const store = createIdbStore({ database, storeName: 'kv' })
    await store.open()
    await store.put('k', Uint8Array.from([1]))
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(database)
      request.onsuccess = () => { resolve() }
      request.onerror = () => { reject(request.error) }
    })
    await expect(store.get('k')).rejects.toThrow(StorageError)
    await store.close()
  })

  it('rejects empty options', () => {
    expect(() => createIdbStore({ database: '', storeName: 'kv' })).toThrow(StorageError)
  })
})
