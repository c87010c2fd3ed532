import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFoundError, UsageError } from '../../src/errors.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { Sourced } from '../../src/resolve/index.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

const FILE = 'ucxl://resolve/src/net/x.ts'
/** The project's root, in canonical form. */
const ROOT = 'ucxl://resolve/'

function pairs (list: ReadonlyArray<Sourced<string>>): string[] {
  return list.map(entry => `${entry.value}@${entry.from}`).sort()
}

describe('hierarchical resolution on the mesh', { timeout: 60_000 }, () => {
  let relays: RelayNode[]
  let writer: SlurpPeer
  let frontend: SlurpPeer
  beforeAll(async () => {
    const network = await createTestNetwork()
    relays = await startRelays(network, 3)
    writer = await startPeer(network, relays, ['backend_developer', 'devops_engineer'])
    frontend = await startPeer(network, relays, ['frontend_developer'])
    await writer.put('ucxl://resolve', { summary: 'the product', purpose: 'share context', technologies: ['typescript'], tags: ['p2p'] }, { as: 'backend_developer' })
    // Devops context: frontend developers (who read backend writes) cannot read it.
    await writer.put('ucxl://resolve/src', { summary: 'the source', technologies: ['docker'], tags: ['infra'] }, { as: 'devops_engineer' })
    // ucxl://resolve/src/net is left empty.
    await writer.put(FILE, { summary: 'the node', technologies: ['typescript', 'docker', 'libp2p'], tags: ['p2p', 'net'] }, { as: 'backend_developer', inherit: true })
  })
  afterAll(async () => {
    await Promise.all([writer.stop(), frontend.stop()])
    for (const relay of relays) await relay.stop()
  })

  it('stores only what the levels every reader can read do not already give', async () => {
    const stored = (await writer.get(FILE)).item
    // typescript and p2p come from ucxl://resolve, which every reader of a backend write reads;
    // docker stays: ucxl://resolve/src is devops context that frontend readers cannot open.
    expect(stored.technologies).toEqual(['docker', 'libp2p'])
    expect(stored.tags).toEqual(['net'])
  })

  it('merges the ancestors each reader can read, every field naming where it came from', async () => {
    const seen = await writer.resolve(FILE)
    expect(seen.levels.map(level => [level.address, level.status])).toEqual([
      [FILE, 'found'], ['ucxl://resolve/src/net', 'missing'], ['ucxl://resolve/src', 'found'], [ROOT, 'found']
    ])
    expect(seen.resolved.summary).toEqual({ value: 'the node', from: FILE })
    expect(seen.resolved.purpose).toEqual({ value: 'share context', from: ROOT })
    expect(pairs(seen.resolved.technologies)).toEqual([`docker@${FILE}`, `libp2p@${FILE}`, `typescript@${ROOT}`])
    expect(pairs(seen.resolved.tags)).toEqual(['infra@ucxl://resolve/src', `net@${FILE}`, `p2p@${ROOT}`])

    const front = await frontend.resolve(FILE)
    expect(front.levels.map(level => level.status)).toEqual(['found', 'missing', 'unreadable', 'found'])
    expect(pairs(front.resolved.technologies)).toEqual([`docker@${FILE}`, `libp2p@${FILE}`, `typescript@${ROOT}`])
    expect(pairs(front.resolved.tags)).toEqual([`net@${FILE}`, `p2p@${ROOT}`])
  })

  it('stops at the depth asked, and resolves an address with nothing of its own from its ancestors', async () => {
    const shallow = await writer.resolve(FILE, { depth: 1 })
    expect(shallow.levels.map(level => level.address)).toEqual([FILE, 'ucxl://resolve/src/net'])
    expect(shallow.resolved.purpose).toBeUndefined()
    const empty = await writer.resolve('ucxl://resolve/src/net/y.ts')
    expect(empty.levels[0]?.status).toBe('missing')
    expect(empty.resolved.summary).toEqual({ value: 'the source', from: 'ucxl://resolve/src' })
    await expect(writer.resolve('ucxl://resolve/none/at/all', { depth: 1 })).rejects.toBeInstanceOf(NotFoundError)
    await expect(writer.resolve(FILE, { depth: 17 })).rejects.toBeInstanceOf(UsageError)
  })

  it('takes levels read within maxAgeMs from the cache, and asks the relays otherwise', async () => {
    await frontend.resolve(FILE)
    await writer.put('ucxl://resolve', { summary: 'the product', purpose: 'share context, peer to peer', technologies: ['typescript'] }, { as: 'backend_developer' })
    expect((await frontend.resolve(FILE, { maxAgeMs: 60_000 })).resolved.purpose?.value).toBe('share context')
    expect((await frontend.resolve(FILE)).resolved.purpose?.value).toBe('share context, peer to peer')
  })
})
