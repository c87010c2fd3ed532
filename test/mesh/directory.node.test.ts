import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { utf8Encode } from '../../src/encoding/bytes.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

function includes (haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) !== -1
}

describe('the project directory', { timeout: 60_000 }, () => {
  let network: TestNetwork
  let relays: RelayNode[]
  let alice: SlurpPeer
  let bob: SlurpPeer
  beforeAll(async () => {
    network = await createTestNetwork()
    relays = await startRelays(network, 3)
    // Two members of one role: their directory writes race on the same records.
    alice = await startPeer(network, relays, ['backend_developer', 'devops_engineer'])
    bob = await startPeer(network, relays, ['backend_developer'])
  })
  afterAll(async () => {
    await Promise.all([alice.stop(), bob.stop()])
    for (const relay of relays) await relay.stop()
  })

  it('lists what two writers of one role wrote at the same time, on a fresh device, and nothing it cannot read', async () => {
    const mine = Array.from({ length: 12 }, (_, i) => `ucxl://dir/src/alice-${i}.ts`)
    const theirs = Array.from({ length: 12 }, (_, i) => `ucxl://dir/src/bob-${i}.ts`)
    await Promise.all([
      ...mine.map(async address => await alice.put(address, { summary: address }, { as: 'backend_developer' })),
      ...theirs.map(async address => await bob.put(address, { summary: address }, { as: 'backend_developer' }))
    ])
    await alice.put('ucxl://dir/deploy/staging.md', { summary: 'staging' }, { as: 'devops_engineer' })
    await alice.put('ucxl://dir/docs/decision-1', { summary: 'use age' }, { as: 'backend_developer', type: 'task' })
    // A rewrite of a listed address adds nothing.
    await alice.put(mine[0] as string, { summary: 'again' }, { as: 'backend_developer' })
    await Promise.all([alice.flushDirectory(), bob.flushDirectory()])

    const fresh = await startPeer(network, relays, ['backend_developer'])
    try {
      const listing = await fresh.list('dir')
      expect(listing.unreachable).toBe(0)
      expect(listing.skipped).toBe(0)
      expect(listing.entries.map(entry => entry.address)).toEqual([...mine, ...theirs, 'ucxl://dir/deploy/staging.md', 'ucxl://dir/docs/decision-1'].sort())
      expect(listing.entries.find(entry => entry.address === 'ucxl://dir/docs/decision-1')).toEqual({ address: 'ucxl://dir/docs/decision-1', type: 'task', roles: ['backend_developer'] })
      expect(listing.entries.find(entry => entry.address === 'ucxl://dir/deploy/staging.md')?.roles).toEqual(['devops_engineer'])
      expect((await fresh.list('ucxl://dir/', { prefix: 'src' })).entries).toHaveLength(24)
      expect((await fresh.list('dir', { prefix: 'ucxl://dir/docs' })).entries.map(entry => entry.address)).toEqual(['ucxl://dir/docs/decision-1'])
      expect((await fresh.list('dir', { prefix: 'sr' })).entries).toEqual([])
    } finally {
      await fresh.stop()
    }
    // A frontend developer reads backend writes but not devops ones.
    const frontend = await startPeer(network, relays, ['frontend_developer'])
    try {
      const seen = (await frontend.list('dir')).entries.map(entry => entry.address)
      expect(seen).toHaveLength(25)
      expect(seen).not.toContain('ucxl://dir/deploy/staging.md')
    } finally {
      await frontend.stop()
    }
  })

  it('keeps addresses away from the relays: what they store holds no address in the clear', async () => {
    const address = 'ucxl://dir/secret/plans-for-q3.md'
    await alice.put(address, { summary: 'plans' }, { as: 'backend_developer' })
    await alice.flushDirectory()
    const needle = utf8Encode('plans-for-q3')
    for (const relay of relays) {
      for await (const key of relay.keeper.keys()) {
        expect(key).not.toContain('plans-for-q3')
        for (const bytes of await relay.keeper.get(key)) expect(includes(bytes, needle)).toBe(false)
      }
    }
    expect((await bob.list('dir', { prefix: 'secret' })).entries.map(entry => entry.address)).toEqual([address])
  })

  it('lists an address written just before stop, and refuses writes under /.slurp/', async () => {
    const carol = await startPeer(network, relays, ['backend_developer'])
    await carol.put('ucxl://dir/late/one.ts', { summary: 'written just before stop' }, { as: 'backend_developer' })
    await carol.stop()
    expect((await bob.list('dir', { prefix: 'late' })).entries.map(entry => entry.address)).toEqual(['ucxl://dir/late/one.ts'])
    await expect(bob.put('ucxl://dir/.slurp/directory/backend_developer/0', { summary: 'x' }, { as: 'backend_developer' })).rejects.toBeInstanceOf(UsageError)
    await expect(bob.list('dir', { prefix: 'ucxl://other/src' })).rejects.toBeInstanceOf(UsageError)
  })

  it('serves a warm listing from the cache within maxAgeMs', async () => {
    const before = await bob.list('dir', { maxAgeMs: 60_000 })
    await alice.put('ucxl://dir/src/new-after-cache.ts', { summary: 'new' }, { as: 'backend_developer' })
    await alice.flushDirectory()
    const warm = await bob.list('dir', { maxAgeMs: 60_000 })
    expect(warm.entries.length).toBe(before.entries.length)
    const cold = await bob.list('dir')
    expect(cold.entries.map(entry => entry.address)).toContain('ucxl://dir/src/new-after-cache.ts')
  })
})
