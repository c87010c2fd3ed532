import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WriteAdmission } from '../../src/admission/write-admission.ts'
import { ReplicationError } from '../../src/errors.ts'
import { RECORD_PROTOCOL } from '../../src/net/record-messages.ts'
import { serveRecords } from '../../src/net/record-protocol.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { RelayNode } from '../../src/relay.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { memberQuotaOf } from '../../src/trust/policy.ts'
import { eventually, startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

// Issue 10 finding 9: one member wrote 10,000 records in 32 s and nothing
// limited it. Real relays on loopback, a policy allowing 3 writes a minute per
// member: the 4th write is refused with ERR_QUOTA_EXCEEDED, which the writer
// sees in its ReplicationError, while another member still writes; the quota
// refills with (injected) time; and records a relay receives by replication
// from another relay do not count against their author. On the code before
// the fix the 4th write succeeded.
const network = await createTestNetwork({ writesPerMinute: 3 })
let now = 1_000_000
let relays: RelayNode[] = []
const admissions = new Map<RelayNode, WriteAdmission>()
const peers: SlurpPeer[] = []

/**
 * Serves the record protocol with an admission whose clock the test holds.
 * (A RelayNode builds its own; re-serving keeps the test's clock in charge.)
 */
async function admit (relay: RelayNode): Promise<WriteAdmission> {
  const admission = new WriteAdmission({ quota: () => memberQuotaOf(relay.currentPolicy), now: () => now })
  await relay.libp2p.unhandle(RECORD_PROTOCOL)
  await serveRecords(relay.libp2p, relay.keeper, { admission })
  admissions.set(relay, admission)
  return admission
}

beforeAll(async () => {
  relays = await startRelays(network, 1)
  await admit(relays[0]!)
}, 60_000)

afterAll(async () => {
  await Promise.all(peers.map(async peer => await peer.stop()))
  await Promise.all(relays.map(async relay => await relay.stop()))
})

describe('per-member write quotas at relays (issue 10 finding 9)', () => {
  it('refuse a member past its quota with ERR_QUOTA_EXCEEDED in its ReplicationError, while another member writes', async () => {
    const alice = await startPeer(network, relays, ['backend_developer'], { minReplicas: 1 })
    const bob = await startPeer(network, relays, ['backend_developer'], { minReplicas: 1 })
    peers.push(alice, bob)
    for (let i = 1; i <= 3; i++) await alice.put(`ucxl://alice:backend_developer@quota:t/a${i}`, { summary: `a${i}` }, { as: 'backend_developer' })
    const refused = alice.put('ucxl://alice:backend_developer@quota:t/a4', { summary: 'a4' }, { as: 'backend_developer' })
    await expect(refused).rejects.toThrow(ReplicationError)
    await expect(refused).rejects.toThrow(/ERR_QUOTA_EXCEEDED.*retry in 20 s/)
    await bob.put('ucxl://bob:backend_developer@quota:t/b1', { summary: 'b1' }, { as: 'backend_developer' })
    // Three a minute: one more after 20 s.
    now += 20_000
    await alice.put('ucxl://alice:backend_developer@quota:t/a4', { summary: 'a4' }, { as: 'backend_developer' })
    await expect(alice.put('ucxl://alice:backend_developer@quota:t/a5', { summary: 'a5' }, { as: 'backend_developer' })).rejects.toThrow(/ERR_QUOTA_EXCEEDED/)
    expect(await relays[0]!.keeper.count()).toBe(5)
  })

  it('do not count what a relay receives by replication from another relay', async () => {
    const second = new RelayNode({
      network: { rootPublicKey: network.root.publicKey, policy: network.policy },
      certificate: certifyWithRoot(network.root),
      store: createMemoryStore(),
      bootstrap: [relays[0]!.multiaddrs()[0]!],
      node: { listen: ['/ip4/127.0.0.1/tcp/0'] }
    })
    await second.start()
    relays.push(second)
    const admission = await admit(second)
    // With two relays and k = 3, the newcomer is responsible for every key: sync brings them.
    await eventually(async () => { expect(await second.keeper.count()).toBe(5) }, 20_000)
    expect(admission.quotas.tracked).toBe(0)
  })
})
