import { dhtKey } from '../../src/address/index.ts'
import { closestRelays } from '../../src/net/closest.ts'
import { askClosest } from '../../src/net/fan-out.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { MESH_ROLE } from './cluster.ts'
import { contextDraft } from './draft.ts'
import type { LookupProbe } from './lookup-probe.ts'
import type { Member, MeshNetwork } from './network.ts'

type Phase = 'phase-locate' | 'phase-read' | 'phase-seal' | 'phase-write'

/**
 * SlurpPeer.put (src/peer.ts) step by step, through the same functions, with
 * a clock between the steps: pick the relays (closestRelays for 2k
 * candidates, its DHT lookup suppressed: the lookup is timed on its own), read
 * before write (record get to the k closest), encrypt and sign, write (record
 * put to the k closest, each validated and stored by its relay). The address
 * is fresh, so the read finds nothing and the record is a first version.
 */
export async function putByPhases (peer: SlurpPeer, probe: LookupProbe, network: MeshNetwork, member: Member, address: string, index: number): Promise<Record<string, number>> {
  const k = peer.replicationFactor
  const times: Record<string, number> = {}
  let mark = performance.now()
  const lap = (phase: Phase): void => {
    const now = performance.now()
    times[phase] = now - mark
    mark = now
  }
  const key = await dhtKey(address)
  probe.skip = true
  const relays = await closestRelays(peer.libp2p, peer.libp2p.services.dht, key, k * 2).finally(() => { probe.skip = false })
  lap('phase-locate')
  const read = await askClosest(relays, k, async relay => await requestRecord(peer.libp2p, relay, { op: 'get', key }))
  if (read.failures.length > 0 || read.answers.some(({ value }) => value.status !== 'ok' || value.records.length > 0)) {
    throw new Error(`read before write of ${address} failed or found a record`)
  }
  lap('phase-read')
  const record = await createContextRecord({ policy: network.policy, author: { ...member, role: MESH_ROLE }, address, draft: contextDraft(index) })
  lap('phase-seal')
  const written = await askClosest(relays, k, async relay => await requestRecord(peer.libp2p, relay, { op: 'put', key, record: record.bytes }))
  if (written.answers.filter(({ value }) => value.status === 'ok').length < k) throw new Error(`fewer than ${k} relays stored ${address}`)
  lap('phase-write')
  return times
}
