import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { createTestMember, createTestNetwork, observerRecord } from '../helpers/network.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'

// Relays enforce the network's policy on every write, whoever sends it: here
// records are pushed to every relay directly, bypassing the peer's own checks.
const network = await createTestNetwork()
let base: string
let relays: RelayNode[]
let peer: SlurpPeer

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-mesh-'))
  relays = await startRelays(network, 5, i => createLevelStore({ path: join(base, `relay-${i}`) }))
  peer = await startPeer(network, relays, ['backend_developer'])
}, 60_000)

afterAll(async () => {
  await peer?.stop()
  await Promise.all((relays ?? []).map(async r => await r.stop()))
  await rm(base, { recursive: true, force: true })
})

async function pushToEvery (key: string, bytes: Uint8Array) {
  return await Promise.all(relays.map(async relay => await requestRecord(peer.libp2p, relay.libp2p.peerId, { op: 'put', key, record: bytes })))
}

describe('relays enforce policy and version order', () => {
  it('a replayed older version is rejected by every relay', async () => {
    const member = await createTestMember(network, ['backend_developer'])
    const author = member.author('backend_developer')
    const address = 'ucxl://project123/api/contract'
    const key = await dhtKey(address)
    const v1 = await createContextRecord({ policy: network.policy, author, address, draft: { summary: 'v1' } })
    const v2 = await createContextRecord({ policy: network.policy, author, address, draft: { summary: 'v2' }, previous: { clock: v1.envelope.clock } })
    expect((await pushToEvery(key, v1.bytes)).map(r => r.outcome)).toEqual(Array(5).fill('stored'))
    expect((await pushToEvery(key, v2.bytes)).map(r => r.outcome)).toEqual(Array(5).fill('replaced'))
    const replay = await pushToEvery(key, v1.bytes)
    expect(replay.map(r => [r.status, r.code])).toEqual(Array(5).fill(['rejected', 'ERR_STALE_RECORD']))
    expect((await peer.get(address)).item.summary).toBe('v2')
  })

  it('a read_only member, a forged and an oversize write are rejected by every relay; nothing is stored', async () => {
    const observer = await createTestMember(network, ['observer'])
    const readOnly = await observerRecord(observer, 'ucxl://project123/observed')
    const key = readOnly.key
    expect((await pushToEvery(key, readOnly.bytes)).map(r => r.code)).toEqual(Array(5).fill('ERR_WRITE_NOT_ALLOWED'))

    const member = await createTestMember(network, ['backend_developer'])
    const good = await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address: 'ucxl://project123/observed', draft: { summary: 'x' } })
    const forged = good.bytes.slice()
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1
    expect((await pushToEvery(key, forged)).map(r => r.code)).toEqual(Array(5).fill('ERR_INVALID_SIGNATURE'))
    const other = await dhtKey('ucxl://project123/elsewhere')
    expect((await pushToEvery(other, good.bytes)).map(r => r.code)).toEqual(Array(5).fill('ERR_INVALID_RECORD'))
    const huge = await createContextRecord({ policy: network.policy, author: member.author('backend_developer'), address: 'ucxl://project123/observed', draft: { summary: 'x'.repeat(60_000), body: 'y'.repeat(1_040_000) } })
    expect((await pushToEvery(key, huge.bytes)).map(r => r.code)).toEqual(Array(5).fill('ERR_RECORD_TOO_LARGE'))

    for (const relay of relays) {
      expect(await relay.keeper.has(key)).toBe(false)
      expect(relay.keeper.stats.rejected.ERR_WRITE_NOT_ALLOWED).toBeGreaterThanOrEqual(1)
    }
  })

  it('restarting every relay keeps every record', async () => {
    const written: string[] = []
    for (let i = 0; i < 10; i++) {
      const address = `ucxl://project123/files/f${i}.ts`
      await peer.put(address, { summary: `file ${i}` }, { as: 'backend_developer' })
      written.push(address)
    }
    const before = await Promise.all(relays.map(async r => await r.keeper.count()))
    await Promise.all((relays ?? []).map(async r => await r.stop()))
    await Promise.all(relays.map(async r => await r.start()))
    expect(await Promise.all(relays.map(async r => await r.keeper.count()))).toEqual(before)
    const reader = await startPeer(network, relays, ['senior_architect'])
    try {
      for (const [i, address] of written.entries()) expect((await reader.get(address)).item.summary).toBe(`file ${i}`)
    } finally {
      await reader.stop()
    }
  })
})
