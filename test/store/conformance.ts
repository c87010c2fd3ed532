import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AbortError, StorageError } from '../../src/errors.ts'
import type { BatchOperation, KVStore, ListOptions } from '../../src/store/types.ts'

export interface ConformanceOptions {
  /** fast-check runs of the model-based property (default 100). */
  propertyRuns?: number
}

const encoder = new TextEncoder()
const bytes = (text: string): Uint8Array => encoder.encode(text)

export async function collect (iterable: AsyncIterable<[string, Uint8Array]>): Promise<Array<[string, Uint8Array]>> {
  const out: Array<[string, Uint8Array]> = []
  for await (const entry of iterable) out.push(entry)
  return out
}

async function listKeys (store: KVStore, prefix: string, options?: ListOptions): Promise<string[]> {
  return (await collect(store.list(prefix, options))).map(([key]) => key)
}

async function rejection (promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error('expected the promise to reject')
}

/** Every public method, called with arguments that would succeed on an open store. */
function everyCall (store: KVStore, signal?: AbortSignal): Record<string, () => Promise<unknown>> {
  return {
    get: async () => await store.get('k', { signal }),
    has: async () => await store.has('k', { signal }),
    put: async () => { await store.put('k', bytes('new'), { signal }) },
    delete: async () => { await store.delete('k', { signal }) },
    batch: async () => { await store.batch([{ type: 'put', key: 'k', value: bytes('new') }, { type: 'delete', key: 'other' }], { signal }) },
    list: async () => await collect(store.list('', { signal }))
  }
}

const badKeys: unknown[] = ['', undefined, null, 42, { key: 'k' }, 'lone \uD800 surrogate']
const badValues: unknown[] = [undefined, null, 'text', [1, 2, 3], new ArrayBuffer(3), new DataView(new ArrayBuffer(3))]

/**
 * The behaviour every KVStore adapter promises. `makeStore` returns a new, not yet
 * opened store each time (persistent adapters: a fresh, empty location).
 */
export function describeStoreConformance (name: string, makeStore: () => Promise<KVStore> | KVStore, options: ConformanceOptions = {}): void {
  describe(`${name}: KVStore conformance`, () => {
    let store: KVStore

    beforeEach(async () => {
      store = await makeStore()
      await store.open()
    })

    afterEach(async () => {
      await store.close()
    })

    describe('get, put, has, delete', () => {
      it('returns what was put', async () => {
        await store.put('a', bytes('one'))
        expect(await store.get('a')).toEqual(bytes('one'))
      })

      it('returns undefined for a missing key', async () => {
        expect(await store.get('missing')).toBeUndefined()
      })

      it('overwrites an existing key', async () => {
        await store.put('a', bytes('one'))
        await store.put('a', bytes('two'))
        expect(await store.get('a')).toEqual(bytes('two'))
        expect(await listKeys(store, '')).toEqual(['a'])
      })

      it('deletes a key and only that key', async () => {
        await store.put('a', bytes('one'))
        await store.put('b', bytes('two'))
        await store.delete('a')
        expect(await store.get('a')).toBeUndefined()
        expect(await store.has('a')).toBe(false)
        expect(await store.get('b')).toEqual(bytes('two'))
      })

      it('deletes a missing key without error', async () => {
        await expect(store.delete('missing')).resolves.toBeUndefined()
        expect(await store.has('missing')).toBe(false)
      })

      it('has reflects puts and deletes', async () => {
        expect(await store.has('a')).toBe(false)
        await store.put('a', bytes('one'))
        expect(await store.has('a')).toBe(true)
        await store.delete('a')
        expect(await store.has('a')).toBe(false)
      })

      it('keeps an empty value distinct from a missing one', async () => {
        await store.put('empty', new Uint8Array(0))
        const value = await store.get('empty')
        expect(value).toBeInstanceOf(Uint8Array)
        expect(value?.byteLength).toBe(0)
        expect(await store.has('empty')).toBe(true)
      })

      it('round-trips all 256 byte values', async () => {
        const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 7 + 3) % 256)
        expect(new Set(all).size).toBe(256)
        await store.put('binary', all)
        expect(await store.get('binary')).toEqual(all)
      })

      it('round-trips a 1 MiB value', async () => {
        const large = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i * 31 + (i >>> 8)) & 0xff)
        await store.put('large', large)
        const read = await store.get('large')
        expect(read?.byteLength).toBe(large.byteLength)
        // toEqual walks a megabyte element by element for seconds; compare directly.
        expect(read !== undefined && read.every((byte, i) => byte === large[i])).toBe(true)
      })

      it('stores only the bytes a view covers', async () => {
        const backing = Uint8Array.from([9, 9, 1, 2, 3, 9, 9])
        await store.put('view', backing.subarray(2, 5))
        const read = await store.get('view')
        expect(read).toEqual(Uint8Array.from([1, 2, 3]))
        expect(read?.buffer.byteLength).toBe(3)
      })

      it('accepts non-ASCII keys', async () => {
        await store.put('ucxl/é/日本', bytes('x'))
        expect(await store.get('ucxl/é/日本')).toEqual(bytes('x'))
        expect(await listKeys(store, 'ucxl/é')).toEqual(['ucxl/é/日本'])
      })
    })

    describe('copies', () => {
      it('is not affected by mutating the value passed to put, even before put settles', async () => {
        const value = bytes('original')
        const pending = store.put('a', value)
        value.fill(0)
        await pending
        expect(await store.get('a')).toEqual(bytes('original'))
        value.fill(1)
        expect(await store.get('a')).toEqual(bytes('original'))
      })

      it('is not affected by mutating a value returned by get', async () => {
        await store.put('a', bytes('original'))
        const first = await store.get('a')
        first?.fill(0)
        expect(await store.get('a')).toEqual(bytes('original'))
      })

      it('is not affected by mutating a value yielded by list', async () => {
        await store.put('a', bytes('original'))
        const [entry] = await collect(store.list(''))
        entry?.[1].fill(0)
        expect(await store.get('a')).toEqual(bytes('original'))
      })

      it('is not affected by mutating a value after batch', async () => {
        const value = bytes('original')
        await store.batch([{ type: 'put', key: 'a', value }])
        value.fill(0)
        expect(await store.get('a')).toEqual(bytes('original'))
      })
    })

    describe('list', () => {
      const keys = ['b', 'a/c', 'ab', 'a/', 'a', 'a/b/c', 'a0', 'a/b', 'c/z']

      beforeEach(async () => {
        for (const key of keys) await store.put(key, bytes(`v:${key}`))
      })

      it('lists everything in ascending key order for the empty prefix', async () => {
        expect(await listKeys(store, '')).toEqual([...keys].sort())
      })

      it('yields each key with its own value', async () => {
        for (const [key, value] of await collect(store.list('a'))) {
          expect(value).toEqual(bytes(`v:${key}`))
        }
      })

      it('returns only keys starting with the prefix', async () => {
        expect(await listKeys(store, 'a/')).toEqual(['a/', 'a/b', 'a/b/c', 'a/c'])
        expect(await listKeys(store, 'a/b')).toEqual(['a/b', 'a/b/c'])
        expect(await listKeys(store, 'ab')).toEqual(['ab'])
        expect(await listKeys(store, 'a')).toEqual(['a', 'a/', 'a/b', 'a/b/c', 'a/c', 'a0', 'ab'])
        expect(await listKeys(store, 'c')).toEqual(['c/z'])
      })

      it('returns nothing for a prefix nothing starts with', async () => {
        expect(await listKeys(store, 'zz')).toEqual([])
        expect(await listKeys(store, 'a/b/c/d')).toEqual([])
      })

      it('includes keys that continue with U+FFFF or an astral character', async () => {
        const high = ['p\uffff', 'p\uffff\uffff', 'p\u{1F600}', 'p\u{1F600}\uffff']
        for (const key of high) await store.put(key, bytes(key))
        await store.put('q', bytes('q'))
        // How astral characters sort against U+E000..U+FFFF differs between UTF-16
        // (memory, IndexedDB) and UTF-8 (LevelDB) order, so compare as sets here.
        expect((await listKeys(store, 'p')).sort()).toEqual([...high].sort())
        expect((await listKeys(store, 'p\uffff')).sort()).toEqual(['p\uffff', 'p\uffff\uffff'])
      })

      it('treats a full key as a prefix of itself', async () => {
        expect(await listKeys(store, 'c/z')).toEqual(['c/z'])
      })

      it('stops at the limit', async () => {
        expect(await listKeys(store, 'a/', { limit: 2 })).toEqual(['a/', 'a/b'])
        expect(await listKeys(store, '', { limit: 1 })).toEqual(['a'])
        expect(await listKeys(store, 'a/', { limit: 0 })).toEqual([])
        expect(await listKeys(store, 'a/', { limit: 100 })).toEqual(['a/', 'a/b', 'a/b/c', 'a/c'])
      })

      it('lists more entries than fit in one page', async () => {
        const many = Array.from({ length: 300 }, (_, i) => `many/${String(i).padStart(3, '0')}`)
        await store.batch(many.map(key => ({ type: 'put', key, value: bytes(key) })))
        expect(await listKeys(store, 'many/')).toEqual(many)
        expect(await listKeys(store, 'many/', { limit: 150 })).toEqual(many.slice(0, 150))
      })

      it('rejects a bad prefix or limit', async () => {
        await expect(collect(store.list(42 as unknown as string))).rejects.toThrow(StorageError)
        await expect(collect(store.list('p\uD83D'))).rejects.toThrow(StorageError)
        await expect(collect(store.list('', { limit: -1 }))).rejects.toThrow(StorageError)
        await expect(collect(store.list('', { limit: 1.5 }))).rejects.toThrow(StorageError)
      })

      it('can be abandoned part way and the store keeps working', async () => {
        const iterator = store.list('a/')[Symbol.asyncIterator]()
        const first = await iterator.next()
        expect(first.value?.[0]).toBe('a/')
        await iterator.return?.()
        await store.put('after', bytes('x'))
        expect(await store.get('after')).toEqual(bytes('x'))
      })

      it('stops with AbortError when aborted between entries', async () => {
        const controller = new AbortController()
        const seen: string[] = []
        const err = await rejection((async () => {
          for await (const [key] of store.list('', { signal: controller.signal })) {
            seen.push(key)
            controller.abort()
          }
        })())
        expect(err).toBeInstanceOf(AbortError)
        expect(seen).toEqual(['a'])
      })
    })

    describe('batch', () => {
      it('applies puts and deletes in order', async () => {
        await store.put('gone', bytes('x'))
        await store.batch([
          { type: 'put', key: 'a', value: bytes('1') },
          { type: 'delete', key: 'a' },
          { type: 'put', key: 'b', value: bytes('1') },
          { type: 'put', key: 'b', value: bytes('2') },
          { type: 'delete', key: 'gone' },
          { type: 'delete', key: 'never-existed' }
        ])
        expect(await store.get('a')).toBeUndefined()
        expect(await store.get('b')).toEqual(bytes('2'))
        expect(await store.get('gone')).toBeUndefined()
        expect(await listKeys(store, '')).toEqual(['b'])
      })

      it('accepts an empty batch', async () => {
        await store.put('a', bytes('1'))
        await store.batch([])
        expect(await listKeys(store, '')).toEqual(['a'])
      })

      const invalid: Array<[string, unknown]> = [
        ['an empty key', { type: 'put', key: '', value: bytes('x') }],
        ['a missing value', { type: 'put', key: 'x' }],
        ['a string value', { type: 'put', key: 'x', value: 'text' }],
        ['an unknown type', { type: 'merge', key: 'x', value: bytes('x') }],
        ['a delete with a numeric key', { type: 'delete', key: 7 }],
        ['a null operation', null]
      ]
      for (const [label, bad] of invalid) {
        it(`with ${label} fails with StorageError and changes nothing`, async () => {
          await store.put('keep', bytes('old'))
          await store.put('doomed', bytes('old'))
          const ops = [
            { type: 'put', key: 'new', value: bytes('new') },
            { type: 'put', key: 'keep', value: bytes('new') },
            { type: 'delete', key: 'doomed' },
            bad
          ] as BatchOperation[]
          await expect(store.batch(ops)).rejects.toThrow(StorageError)
          expect(await store.get('new')).toBeUndefined()
          expect(await store.get('keep')).toEqual(bytes('old'))
          expect(await store.get('doomed')).toEqual(bytes('old'))
          expect(await listKeys(store, '')).toEqual(['doomed', 'keep'])
        })
      }

      it('rejects a batch that is not an array', async () => {
        await expect(store.batch('nope' as unknown as BatchOperation[])).rejects.toThrow(StorageError)
      })
    })

    describe('argument checks', () => {
      for (const key of badKeys) {
        it(`rejects the key ${JSON.stringify(key) ?? String(key)} in every keyed call`, async () => {
          const k = key as string
          await expect(store.get(k)).rejects.toThrow(StorageError)
          await expect(store.has(k)).rejects.toThrow(StorageError)
          await expect(store.put(k, bytes('x'))).rejects.toThrow(StorageError)
          await expect(store.delete(k)).rejects.toThrow(StorageError)
          expect(await listKeys(store, '')).toEqual([])
        })
      }

      it('rejects values that are not Uint8Array', async () => {
        for (const value of badValues) {
          await expect(store.put('k', value as Uint8Array)).rejects.toThrow(StorageError)
        }
        expect(await store.has('k')).toBe(false)
      })
    })

    describe('abort', () => {
      it('rejects every call with AbortError when the signal has fired', async () => {
        const signal = AbortSignal.abort()
        for (const [method, call] of Object.entries(everyCall(store, signal))) {
          const err = await rejection(call())
          expect(err, method).toBeInstanceOf(AbortError)
        }
      })

      it('writes nothing when aborted', async () => {
        await store.put('other', bytes('old'))
        const signal = AbortSignal.abort()
        await expect(store.put('k', bytes('new'), { signal })).rejects.toThrow(AbortError)
        await expect(store.delete('other', { signal })).rejects.toThrow(AbortError)
        await expect(store.batch([{ type: 'put', key: 'k', value: bytes('new') }, { type: 'delete', key: 'other' }], { signal })).rejects.toThrow(AbortError)
        expect(await store.has('k')).toBe(false)
        expect(await store.get('other')).toEqual(bytes('old'))
      })

      it('checks the signal before the arguments', async () => {
        const signal = AbortSignal.abort()
        await expect(store.put('', bytes('x'), { signal })).rejects.toThrow(AbortError)
      })

      it('does not open with an aborted signal', async () => {
        const fresh = await makeStore()
        try {
          await expect(fresh.open({ signal: AbortSignal.abort() })).rejects.toThrow(AbortError)
          await expect(fresh.get('k')).rejects.toThrow(StorageError)
        } finally {
          await fresh.close()
        }
      })
    })

    describe('lifecycle', () => {
      it('rejects every call on a store that was never opened', async () => {
        const fresh = await makeStore()
        for (const [method, call] of Object.entries(everyCall(fresh))) {
          const err = await rejection(call())
          expect(err, method).toBeInstanceOf(StorageError)
          expect((err as Error).message, method).toMatch(/not open/)
        }
        await fresh.close()
      })

      it('rejects every call after close, and close writes nothing', async () => {
        await store.put('other', bytes('old'))
        await store.close()
        for (const [method, call] of Object.entries(everyCall(store))) {
          const err = await rejection(call())
          expect(err, method).toBeInstanceOf(StorageError)
          expect((err as Error).message, method).toMatch(/not open/)
        }
        await store.open()
        expect(await store.has('k')).toBe(false)
        expect(await store.get('other')).toEqual(bytes('old'))
      })

      it('open and close are idempotent and data survives reopening', async () => {
        await store.open()
        await store.put('a', bytes('kept'))
        await store.close()
        await store.close()
        await expect(store.get('a')).rejects.toThrow(StorageError)
        await store.open()
        await store.open()
        expect(await store.get('a')).toEqual(bytes('kept'))
      })

      it('concurrent opens share one opening', async () => {
        const fresh = await makeStore()
        try {
          await Promise.all([fresh.open(), fresh.open(), fresh.open()])
          await fresh.put('a', bytes('1'))
          expect(await fresh.get('a')).toEqual(bytes('1'))
        } finally {
          await fresh.close()
        }
      })
    })

    describe('model-based property', () => {
      const key = fc.array(fc.constantFrom('a', 'b', '/', 'é'), { minLength: 1, maxLength: 3 }).map(chars => chars.join(''))
      const value = fc.uint8Array({ maxLength: 8 })
      const write = fc.oneof(
        fc.record({ type: fc.constant('put' as const), key, value }),
        fc.record({ type: fc.constant('delete' as const), key })
      )
      const command = fc.oneof(
        { arbitrary: write, weight: 4 },
        { arbitrary: fc.record({ type: fc.constant('batch' as const), ops: fc.array(write, { maxLength: 5 }) }), weight: 2 },
        { arbitrary: fc.record({ type: fc.constant('get' as const), key }), weight: 2 },
        { arbitrary: fc.record({ type: fc.constant('has' as const), key }), weight: 1 },
        {
          arbitrary: fc.record({
            type: fc.constant('list' as const),
            prefix: fc.oneof(fc.constant(''), key),
            limit: fc.option(fc.nat({ max: 4 }), { nil: undefined })
          }),
          weight: 2
        }
      )

      function modelList (model: Map<string, Uint8Array>, prefix: string, limit = Infinity): Array<[string, Uint8Array]> {
        return [...model.entries()]
          .filter(([k]) => k.startsWith(prefix))
          .sort(([x], [y]) => x < y ? -1 : x > y ? 1 : 0)
          .slice(0, limit)
      }

      it('behaves like a sorted Map under random commands', async () => {
        await fc.assert(fc.asyncProperty(fc.array(command, { maxLength: 20 }), async (commands) => {
          const existing = await collect(store.list(''))
          await store.batch(existing.map(([k]) => ({ type: 'delete', key: k })))
          const model = new Map<string, Uint8Array>()
          const apply = (op: BatchOperation): void => {
            if (op.type === 'put') model.set(op.key, op.value)
            else model.delete(op.key)
          }
          for (const cmd of commands) {
            switch (cmd.type) {
              case 'put': await store.put(cmd.key, cmd.value); apply(cmd); break
              case 'delete': await store.delete(cmd.key); apply(cmd); break
              case 'batch': await store.batch(cmd.ops); cmd.ops.forEach(apply); break
              case 'get': expect(await store.get(cmd.key)).toEqual(model.get(cmd.key)); break
              case 'has': expect(await store.has(cmd.key)).toBe(model.has(cmd.key)); break
              case 'list':
                expect(await collect(store.list(cmd.prefix, { limit: cmd.limit }))).toEqual(modelList(model, cmd.prefix, cmd.limit))
                break
            }
          }
          expect(await collect(store.list(''))).toEqual(modelList(model, ''))
        }), { numRuns: options.propertyRuns ?? 100 })
      })
    })
  })
}
