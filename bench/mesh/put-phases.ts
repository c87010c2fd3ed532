import { dhtKey } from '../../src/address/index.ts'
import { knownRelays, sortByDistance } from '../../src/net/closest.ts'
import { requestRecord } from '../../src/net/record-protocol.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import { createContextRecord } from '../../src/record/context-record.ts'
import { MESH_ROLE } from './cluster.ts'
import { contextDraft } from './draft.ts'
import type { Member, MeshNetwork } from './network.ts'

type Phase = 'phase-locate' | 'phase-read' | 'phase-seal' | 'phase-write'

/**
 * SlurpPeer.put (src/peer.ts) step by step with a clock between the steps,
 * minus the DHT lookup, timed separately: which relays (peer store, sorted by
 * XOR distance), read before write (record get to the 3), encrypt and sign,
 * write (record put to the 3, each validated and stored by its relay). The
 * address is fresh, so the read finds nothing and the record is a first version.
 */
export async function putByPhases (peer: SlurpPeer, network: MeshNetwork, member: Member, address: string, index: number): Promise<Record<string, number>> {
  const times: Record<string, number> = {}
  let mark = performance.now()
  const lap = (phase: Phase): void => {
    const now = performance.now()
    times[phase] = now - mark
    mark = now
  }
  const key = await dhtKey(address)
  const relays = sortByDistance(new TextEncoder().encode(key), await knownRelays(peer.libp2p)).slice(0, 3)
  lap('phase-locate')
  const read = await Promise.all(relays.map(async relay => await requestRecord(peer.libp2p, relay, { op: 'get', key })))
  if (read.some(answer => answer.status !== 'ok' || answer.records.length > 0)) throw new Error(`read before write of ${address} found a record or failed`)
  lap('phase-read')
  const record = await createContextRecord({ policy: network.policy, author: { ...member, role: MESH_ROLE }, address, draft: contextDraft(index) })
  lap('phase-seal')
  const written = await Promise.all(relays.map(async relay => await requestRecord(peer.libp2p, relay, { op: 'put', key, record: record.bytes })))
  if (written.some(answer => answer.status !== 'ok')) throw new Error(`a relay refused ${address}`)
  lap('phase-write')
  return times
}
