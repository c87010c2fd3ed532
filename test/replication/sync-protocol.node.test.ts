import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RelayNode } from '../../src/relay.ts'
import { requestRecordsOf, requestStore } from '../../src/replication/sync-protocol.ts'
import { startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { tamper, writeRecord } from '../http/fixtures.ts'

// Records move between relays many to a message; every one still goes through
// the receiving relay's validator.
const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
let relays: RelayNode[]

beforeAll(async () => { relays = await startRelays(network, 2) }, 30_000)
afterAll(async () => { await Promise.all((relays ?? []).map(async r => await r.stop())) })

describe('batched record transfer between relays', () => {
  it('stores the valid records of a batch, refuses forged ones by code, and serves them back', async () => {
    const [a, b] = relays as [RelayNode, RelayNode]
    const good = await Promise.all(Array.from({ length: 20 }, async (_, i) => await writeRecord(network, member, `ucxl://batch/good/${i}`, `good ${i}`)))
    const forged = await writeRecord(network, member, 'ucxl://batch/forged', 'forged')
    const results = await requestStore(a.libp2p, b.libp2p.peerId, [
      ...good.map(r => [r.key, [r.bytes]] as const),
      [forged.key, [tamper(forged.bytes)]]
    ])
    for (const record of good) expect(results.get(record.key)).toBe('')
    expect(results.get(forged.key)).toBe('ERR_INVALID_SIGNATURE')
    expect(await b.keeper.has(forged.key)).toBe(false)
    // Sent again: already held, still a success.
    expect((await requestStore(a.libp2p, b.libp2p.peerId, [[good[0]!.key, [good[0]!.bytes]]])).get(good[0]!.key)).toBe('')
    const back = await requestRecordsOf(a.libp2p, b.libp2p.peerId, [...good.map(r => r.key), forged.key])
    const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
    for (const record of good) expect(back.get(record.key)?.map(hex)).toEqual([hex(record.bytes)])
    expect(back.get(forged.key)).toEqual([])
  })
})
