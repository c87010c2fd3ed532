import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { dhtKey } from '../../src/address/index.ts'
import { decodeEnvelope } from '../../src/record/envelope.ts'
import type { RelayNode } from '../../src/relay.ts'
import { createLevelStore } from '../../src/store/level.node.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'

/** Stanzas in an age header: one per recipient. */
function stanzas (ciphertext: Uint8Array): number {
  return new TextDecoder('latin1').decode(ciphertext.subarray(0, 4096)).split('\n---')[0]?.split('\n').filter(line => line.startsWith('-> ')).length ?? 0
}

/**
 * A network from before reader keys (records encrypted to each role), its
 * relay's LevelDB kept, upgraded in place: the relay restarts on the same data
 * with a policy that has reader keys. Every old record stays, validates and
 * reads; new writes go to one reader key; both kinds replicate.
 */
describe('upgrading a relay in place to reader keys', { timeout: 90_000 }, () => {
  it('keeps and serves every record written before, and writes new ones to reader keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slurp-upgrade-'))
    try {
      const network = await createTestNetwork({}, { readerKeys: false })
      const stores = [0, 1, 2].map(i => createLevelStore({ path: join(dir, `relay-${i}`) }))
      let relays: RelayNode[] = await startRelays(network, 3, i => stores[i] as ReturnType<typeof createLevelStore>)
      // Unlisted writers: the test counts the records a relay holds.
      const writer = await startPeer(network, relays, ['backend_developer'], { listWrites: false })
      const old = Array.from({ length: 5 }, (_, i) => `ucxl://u:backend_developer@upgrade:t/old-${i}`)
      for (const address of old) await writer.put(address, { summary: `old ${address}` }, { as: 'backend_developer' })
      const [oldBytes] = await (relays[0] as RelayNode).keeper.get(await dhtKey(old[0] as string))
      expect(stanzas(decodeEnvelope(oldBytes as Uint8Array).ciphertext)).toBeGreaterThan(1)
      const held = await (relays[0] as RelayNode).keeper.count()
      await writer.stop()
      for (const relay of relays) await relay.stop()

      // The admin re-signs the policy with reader keys (any key change does: slurp keygen, slurp rotate).
      const admin = new TestKeyAdmin(network)
      const upgraded = await admin.rotate([])
      expect(upgraded.policy.readerKeys?.length).toBeGreaterThan(0)
      const next = { ...network, signed: upgraded, policy: upgraded.policy }
      relays = await startRelays(next, 3, i => createLevelStore({ path: join(dir, `relay-${i}`) }))
      try {
        const reader = await startPeer(next, relays, ['devops_engineer'])
        const newWriter = await startPeer(next, relays, ['backend_developer'], { listWrites: false })
        for (const address of old) expect((await reader.get(address)).item.summary).toBe(`old ${address}`)
        await newWriter.put('ucxl://u:backend_developer@upgrade:t/new', { summary: 'new' }, { as: 'backend_developer' })
        expect((await reader.get('ucxl://u:backend_developer@upgrade:t/new')).item.summary).toBe('new')
        const [bytes] = await (relays[0] as RelayNode).keeper.get(await dhtKey('ucxl://u:backend_developer@upgrade:t/new'))
        expect(stanzas(decodeEnvelope(bytes as Uint8Array).ciphertext)).toBe(1)
        expect(await (relays[0] as RelayNode).keeper.count()).toBe(held + 1)
        await reader.stop()
        await newWriter.stop()
      } finally {
        for (const relay of relays) await relay.stop()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
