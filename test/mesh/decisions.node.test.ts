import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

const D1 = 'ucxl://dec/decisions/0001-relays-store-blind'
const D2 = 'ucxl://dec/decisions/0002-kademlia'
const D3 = 'ucxl://dec/decisions/0003-reader-keys'
const D4 = 'ucxl://dec/decisions/0004-rotation'

describe('decisions and decision hops on the mesh', { timeout: 60_000 }, () => {
  let network: TestNetwork
  let relays: RelayNode[]
  let architect: SlurpPeer
  let manager: SlurpPeer
  beforeAll(async () => {
    network = await createTestNetwork()
    relays = await startRelays(network, 3)
    architect = await startPeer(network, relays, ['senior_architect'])
    manager = await startPeer(network, relays, ['project_manager'])
    const as = { as: 'senior_architect' }
    await architect.recordDecision(D1, { summary: 'encrypt to each reader role', decision: { status: 'accepted', affects: ['ucxl://dec/src'], validAt: '2026-01-01T00:00:00Z', rationale: 'relays must stay blind' } }, as)
    await architect.recordDecision(D2, { summary: 'use Kademlia', decision: { status: 'accepted', affects: ['ucxl://dec/docs'], links: [{ type: 'relates', target: D1 }], validAt: '2026-02-01T00:00:00Z' } }, as)
    const d3 = await architect.recordDecision(D3, {
      summary: 'one reader key per reader set',
      decision: { status: 'accepted', affects: ['ucxl://dec/src/net'], links: [{ type: 'supersedes', target: D1 }], validAt: '2026-06-01T00:00:00Z', alternatives: ['keep one stanza per role'], decidedBy: 'architecture group' }
    }, as)
    expect(d3.superseded.map(entry => [entry.address, entry.error])).toEqual([[D1, undefined]])
    await architect.recordDecision(D4, { summary: 'rotate without touching records', decision: { status: 'proposed', affects: [], links: [{ type: 'amends', target: D3 }], validAt: '2026-07-01T00:00:00Z' } }, as)
    await architect.flushDirectory()
  })
  afterAll(async () => {
    await Promise.all([architect.stop(), manager.stop()])
    for (const relay of relays) await relay.stop()
  })

  it('marks a superseded decision on both sides', async () => {
    const old = (await manager.get(D1)).item.decision
    expect(old).toMatchObject({ status: 'superseded', invalidAt: '2026-06-01T00:00:00.000Z', rationale: 'relays must stay blind' })
    expect((await manager.get(D3)).item.decision?.links).toEqual([{ type: 'supersedes', target: D1 }])
  })

  it('returns what affects an address or its folders, then what is linked, with the chain that explains each', async () => {
    const hits = await manager.decisionsFor('ucxl://dec/src/net/node.ts')
    expect(hits.map(hit => [hit.address, hit.hop, hit.status, hit.affects, hit.chain.map(step => `${step.from} ${step.link} ${step.to}`)])).toEqual([
      [D3, 0, 'accepted', 'ucxl://dec/src/net', []],
      [D4, 1, 'proposed', 'ucxl://dec/src/net', [`${D3} amended_by ${D4}`]],
      [D2, 1, 'accepted', 'ucxl://dec/src', [`${D1} relates ${D2}`]]
    ])
    expect((await manager.decisionsFor('ucxl://dec/src/net/node.ts', { hops: 0 })).map(hit => hit.address)).toEqual([D3])
    expect((await manager.decisionsFor('ucxl://dec/src/net/node.ts', { includeSuperseded: true })).map(hit => hit.address)).toContain(D1)
  })

  it('answers as of a date, and knows nothing of what its roles cannot read', async () => {
    const march = await manager.decisionsFor('ucxl://dec/src/net/node.ts', { asOf: '2026-03-01T00:00:00Z' })
    expect(march.map(hit => hit.address)).toEqual([D1, D2])
    // A backend developer cannot read an architect's decisions: an empty answer, not an error.
    const backend = await startPeer(network, relays, ['backend_developer'])
    try {
      expect(await backend.decisionsFor('ucxl://dec/src/net/node.ts')).toEqual([])
    } finally {
      await backend.stop()
    }
  })
})
