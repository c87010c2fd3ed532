import { afterAll, beforeAll, expect, it } from 'vitest'
import { ReplicationError } from '../../src/errors.ts'
import type { RelayNode } from '../../src/relay.ts'
import { inboundLimitsOf } from '../../src/net/inbound-limits.ts'
import { createRelayApp } from '../../relay/http/app.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { hashOf, writeRecord } from '../http/fixtures.ts'

// Issue 10 findings 2 and 9, as a RelayNode wires them: its own admission
// refuses a member's 4th write of the minute (the record protocol and the
// gateway share one bucket per member), and its inbound limits trust the
// certified relays and hold strangers to the policy's record size.
const network = await createTestNetwork({ writesPerMinute: 3 })
let relays: RelayNode[] = []
beforeAll(async () => { relays = await startRelays(network, 2) }, 60_000)
afterAll(async () => { await Promise.all(relays.map(async r => await r.stop())) })

it('a relay refuses the 4th write of a minute on either path, and trusts only certified relays with large frames', async () => {
  const alice = await startPeer(network, relays, ['backend_developer'], { minReplicas: 1 })
  for (let i = 1; i <= 3; i++) await alice.put(`ucxl://alice:backend_developer@w:t/a${i}`, { summary: `a${i}` }, { as: 'backend_developer' })
  await expect(alice.put('ucxl://alice:backend_developer@w:t/a4', { summary: 'a4' }, { as: 'backend_developer' })).rejects.toThrow(ReplicationError)
  const member = await createTestMember(network, ['backend_developer'])
  const rec = await writeRecord(network, member, 'ucxl://m:backend_developer@w:t/m1', 'm1')
  const app = createRelayApp({ relay: relays[0]! })
  for (let i = 0; i < 3; i++) {
    const r = await writeRecord(network, member, `ucxl://m:backend_developer@w:t/m${i + 2}`, 'x')
    expect((await app.request(`/v1/records/${hashOf(r.key)}`, { method: 'PUT', body: new Uint8Array(r.bytes) })).status).toBe(200)
  }
  expect((await app.request(`/v1/records/${hashOf(rec.key)}`, { method: 'PUT', body: new Uint8Array(rec.bytes) })).status).toBe(429)
  expect(inboundLimitsOf(relays[0]!.libp2p).trusted(relays[1]!.libp2p.peerId)).toBe(true)
  expect(inboundLimitsOf(relays[0]!.libp2p).trusted(alice.libp2p.peerId)).toBe(false)
  expect(inboundLimitsOf(relays[0]!.libp2p).untrustedFrameBytes()).toBe(network.policy.limits.maxRecordBytes + 1024)
  await alice.stop()
})
