import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StorageError } from '../../src/errors.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { describeStoreConformance } from './conformance.ts'

let root = ''
let counter = 0

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slurp-level-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

const freshPath = (): string => join(root, `db-${counter++}`)

describeStoreConformance('LevelDB', () => createLevelStore({ path: freshPath() }))

describe('LevelDB store', () => {
  it('keeps data across close and a new store on the same directory', async () => {
    const path = freshPath()
    const first = createLevelStore({ path })
    await first.open()
    await first.batch([
      { type: 'put', key: 'a/1', value: Uint8Array.from([1]) },
      { type: 'put', key: 'a/2', value: Uint8Array.from([2]) }
    ])
    await first.close()

    const second = createLevelStore({ path })
    await second.open()
    try {
      expect(await second.get('a/1')).toEqual(Uint8Array.from([1]))
      expect((await collectKeys(second.list('a/')))).toEqual(['a/1', 'a/2'])
    } finally {
      await second.close()
    }
  })

  it('refuses a second open of a directory in use, saying it is locked', async () => {
    const path = freshPath()
    const owner = createLevelStore({ path })
    const intruder = createLevelStore({ path })
    await owner.open()
    try {
      const err = await intruder.open().then(() => undefined, (e: unknown) => e)
      expect(err).toBeInstanceOf(StorageError)
      expect((err as Error).message).toMatch(/locked/)
      expect((err as Error).message).toMatch(/in use by another process/)
      expect((err as Error).cause).toBeInstanceOf(Error)
      await expect(intruder.get('k')).rejects.toThrow(/not open/)
      await owner.put('k', Uint8Array.from([7]))
    } finally {
      await owner.close()
    }
    // The lock goes with the owner, and the failed store can try again.
    await intruder.open()
    try {
      expect(await intruder.get('k')).toEqual(Uint8Array.from([7]))
    } finally {
      await intruder.close()
    }
  })

  it('returns plain Uint8Arrays, not Buffers', async () => {
    const store = createLevelStore({ path: freshPath() })
    await store.open()
    try {
      await store.put('k', Uint8Array.from([1, 2]))
      const value = await store.get('k')
      expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype)
    } finally {
      await store.close()
    }
  })

  it('lists keys after the prefix that continue with high code points', async () => {
    const store = createLevelStore({ path: freshPath() })
    await store.open()
    try {
      await store.put('p\uffff', Uint8Array.from([1]))
      await store.put('p\uffff\uffff', Uint8Array.from([2]))
      await store.put('q', Uint8Array.from([3]))
      expect(await collectKeys(store.list('p'))).toEqual(['p\uffff', 'p\uffff\uffff'])
    } finally {
      await store.close()
    }
  })

  it('wraps backend failures in StorageError with a cause', async () => {
    // A path below a regular file can never become a directory.
    const file = join(root, 'not-a-directory')
    await writeFile(file, 'x')
    const err = await createLevelStore({ path: join(file, 'db') }).open().then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(StorageError)
    expect((err as Error).message).toMatch(/opening LevelDB/)
    expect((err as Error).cause).toBeInstanceOf(Error)
  })
})

async function collectKeys (iterable: AsyncIterable<[string, Uint8Array]>): Promise<string[]> {
  const keys: string[] = []
  for await (const [key] of iterable) keys.push(key)
  return keys
}
