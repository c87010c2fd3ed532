import { describe, expect, it } from 'vitest'
import { VersionConflictError } from '../../src/errors.ts'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { writeRecord } from './fixtures.ts'

const network = await createTestNetwork()
const alice = await createTestMember(network, ['backend_developer'])
const bob = await createTestMember(network, ['backend_developer'])

describe('record keeper conditional puts (ifNewest)', () => {
  it('stores only a version that supersedes every version held, and changes nothing otherwise', async () => {
    const store = createMemoryStore()
    await store.open()
    const keeper = new RecordKeeper({ store, validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }) })
    const address = 'ucxl://project123/keeper/if-newest'
    const first = await writeRecord(network, alice, address, 'alice v1')
    expect(await keeper.put(first.key, first.bytes, { ifNewest: true })).toEqual({ outcome: 'stored', siblings: 1 })
    // The same bytes again: already held, so it is what the writer wanted.
    expect((await keeper.put(first.key, first.bytes, { ifNewest: true })).outcome).toBe('duplicate')

    // Bob never saw alice's version: concurrent, so refused, and nothing changes.
    const blind = await writeRecord(network, bob, address, 'bob, blind')
    await expect(keeper.put(blind.key, blind.bytes, { ifNewest: true })).rejects.toThrow(VersionConflictError)
    // A replayed older version is a conflict too: the writer must write on top of what is held.
    const second = await writeRecord(network, alice, address, 'alice v2', first.envelope.clock)
    expect((await keeper.put(second.key, second.bytes, { ifNewest: true })).outcome).toBe('replaced')
    await expect(keeper.put(first.key, first.bytes, { ifNewest: true })).rejects.toThrow(VersionConflictError)
    expect(await keeper.get(first.key)).toEqual([second.bytes])

    // Written on top of what is held: stored. Unconditionally, the blind one becomes a sibling.
    const informed = await writeRecord(network, bob, address, 'bob, informed', second.envelope.clock)
    expect((await keeper.put(informed.key, informed.bytes, { ifNewest: true })).outcome).toBe('replaced')
    const late = await writeRecord(network, alice, address, 'alice, late', second.envelope.clock)
    expect((await keeper.put(late.key, late.bytes)).outcome).toBe('sibling')
    expect((await keeper.get(late.key)).length).toBe(2)
  })
})
