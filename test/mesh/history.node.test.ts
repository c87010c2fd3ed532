import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY_VERSIONS } from '../../src/keeper/record-keeper.ts'
import type { SlurpPeer } from '../../src/peer.ts'
import type { RelayNode } from '../../src/relay.ts'
import { startPeer, startRelays } from '../helpers/mesh.ts'
import { createTestNetwork } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'

describe('the history of an address', { timeout: 60_000 }, () => {
  let network: TestNetwork
  let relays: RelayNode[]
  let writer: SlurpPeer
  beforeAll(async () => {
    network = await createTestNetwork()
    relays = await startRelays(network, 3)
    writer = await startPeer(network, relays, ['backend_developer'])
  })
  afterAll(async () => {
    await writer.stop()
    for (const relay of relays) await relay.stop()
  })

  it('lists every version newest first, the current one marked, from what the relays let go', async () => {
    const address = 'ucxl://log/src/main.ts'
    for (let n = 1; n <= 4; n++) await writer.put(address, { summary: `version ${n}` }, { as: 'backend_developer' })
    const reader = await startPeer(network, relays, ['devops_engineer'])
    try {
      const history = await reader.history(address)
      expect(history.map(entry => [entry.item?.summary, entry.current])).toEqual([['version 4', true], ['version 3', false], ['version 2', false], ['version 1', false]])
      expect(history.every(entry => entry.meta.role === 'backend_developer' && entry.meta.readAs === 'devops_engineer')).toBe(true)
      // Counters only grow along the chain.
      const counters = history.map(entry => Object.values(entry.meta.version)[0])
      expect(counters).toEqual([...counters].sort((a, b) => (b ?? 0) - (a ?? 0)))
    } finally {
      await reader.stop()
    }
    // A role that cannot read it still sees that versions exist, without their content.
    const observer = await startPeer(network, relays, ['observer'])
    try {
      const history = await observer.history(address)
      expect(history).toHaveLength(4)
      expect(history.every(entry => entry.item === undefined && entry.meta.readAs === undefined)).toBe(true)
    } finally {
      await observer.stop()
    }
  })

  it('keeps a bounded number of superseded versions per relay', async () => {
    const address = 'ucxl://log/src/busy.ts'
    for (let n = 1; n <= HISTORY_VERSIONS + 4; n++) await writer.put(address, { summary: `v${n}` }, { as: 'backend_developer' })
    const history = await writer.history(address)
    expect(history).toHaveLength(HISTORY_VERSIONS + 1)
    expect(history[0]?.item?.summary).toBe(`v${HISTORY_VERSIONS + 4}`)
    expect(history.at(-1)?.item?.summary).toBe('v4')
  })
})
