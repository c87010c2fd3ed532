import { createContextRecord, openContextRecord } from '../../src/record/context-record.ts'
import { validateRecord } from '../../src/record/validator.ts'
import { readersOf } from '../../src/roles/role.ts'
import { SectionBuilder } from '../builder.ts'
import type { BenchOptions } from '../options.ts'
import type { Section } from '../section.ts'
import { MESH_ROLE } from './cluster.ts'
import { contextDraft, meshAddress } from './draft.ts'
import type { MeshNetwork } from './network.ts'

export const PEER_WORK_GROUP = 'peer work per operation'

/**
 * The CPU a put and a get cost the peer itself, without any network: what
 * remains of a mesh latency once the network and the relays are taken away.
 */
export async function peerWork (network: MeshNetwork, options: BenchOptions): Promise<Section> {
  const builder = new SectionBuilder('mesh: peer-side work per operation (no network)', [], options)
  const member = await network.member([MESH_ROLE])
  const keyring = await network.keyring([MESH_ROLE])
  const author = { ...member, role: MESH_ROLE }
  const context = { rootPublicKey: network.rootPublicKey, policy: network.policy }
  const address = meshAddress('work', 0)
  const record = await createContextRecord({ policy: network.policy, author, address, draft: contextDraft(0) })
  let next = 0
  await builder.compare(PEER_WORK_GROUP, [
    {
      id: 'create',
      name: 'put: encrypt + sign (createContextRecord)',
      op: async () => await createContextRecord({ policy: network.policy, author, address: meshAddress('work', next++), draft: contextDraft(next) })
    },
    {
      id: 'open',
      name: 'get: validate + decrypt (validateRecord, openContextRecord)',
      op: async () => await openContextRecord(await validateRecord(record.bytes, context, record.envelope.key), keyring)
    }
  ])
  builder.note(`One ${record.bytes.length}-byte record by ${MESH_ROLE}, encrypted to its ${readersOf(network.policy.roles, MESH_ROLE).length} reader roles; a put makes one, a get validates what each of the 3 relays returns and decrypts the winner.`)
  return builder.build()
}
