import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRelayApp } from '../../relay/http/app.ts'
import { dhtKey } from '../../src/address/index.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import type { RelayNode } from '../../src/relay.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'

// A relay that missed a key's history refused an honest write on top of it
// (ERR_CLOCK_RULE: the clock names an actor it holds nothing signed by):
// after a partition healed, writes failed on the relays that had missed the
// key. Now the relay first takes the key's versions from the other certified
// relays and judges again, on the record protocol and the gateway alike; a
// poisoned clock is still refused (issue 10 finding 6).
const network = await createTestNetwork()
let relays: RelayNode[]
let peer: SlurpPeer

beforeAll(async () => {
  relays = await startRelays(network, 2)
  peer = await startPeer(network, relays, ['backend_developer'])
}, 60_000)

afterAll(async () => {
  await peer?.stop()
  await Promise.all((relays ?? []).map(async relay => { await relay.stop() }))
})

async function historyOnFirstOnly (address: string) {
  const [holder, missed] = relays as [RelayNode, RelayNode]
  const alice = await createTestMember(network, ['backend_developer'])
  const bob = await createTestMember(network, ['backend_developer'])
  const key = await dhtKey(address)
  const first = await createContextRecord({ policy: network.policy, author: alice.author('backend_developer'), address, draft: { summary: 'first' } })
  await holder.keeper.put(key, first.bytes)
  expect(await missed.keeper.has(key)).toBe(false)
  // The two relays know each other as certified relays before the write arrives.
  await eventually(async () => { expect((await missed.replication.responsibilityOf(holder.libp2p.peerId))(key)).toBe(true) })
  const next = await createContextRecord({ policy: network.policy, author: bob.author('backend_developer'), address, draft: { summary: 'second' }, previous: { clock: first.envelope.clock } })
  const poisoned = await createContextRecord({ policy: network.policy, author: bob.author('backend_developer'), address, draft: { summary: 'poison' }, previous: { clock: { ...first.envelope.clock, [Object.keys(first.envelope.clock)[0] as string]: 1_000_000 } } })
  return { missed, key, next, poisoned }
}

describe('a relay that missed a key\'s history', () => {
  it('takes it from the other relays before judging a write on the record protocol', async () => {
    const { missed, key, next, poisoned } = await historyOnFirstOnly('ucxl://project123/history/record-protocol')
    const answer = await requestRecord(peer.libp2p, missed.libp2p.peerId, { op: 'put', key, record: next.bytes })
    expect([answer.status, answer.code]).toEqual(['ok', ''])
    expect(answer.outcome).toBe('replaced')
    const refused = await requestRecord(peer.libp2p, missed.libp2p.peerId, { op: 'put', key, record: poisoned.bytes })
    expect(refused.code).toBe('ERR_CLOCK_RULE')
  })

  it('does the same for a write through the HTTP gateway', async () => {
    const { missed, key, next, poisoned } = await historyOnFirstOnly('ucxl://project123/history/gateway')
    const app = createRelayApp({ relay: missed })
    const put = async (bytes: Uint8Array) => await app.request(`/v1/records/${encodeURIComponent(key)}`, { method: 'PUT', body: bytes as Uint8Array<ArrayBuffer> })
    const accepted = await put(next.bytes)
    expect(accepted.status).toBe(200)
    expect(await accepted.json()).toMatchObject({ outcome: 'replaced' })
    const refused = await put(poisoned.bytes)
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.code).toBe('ERR_CLOCK_RULE')
  })
})
