import { describe, expect, it } from 'vitest'
import { RecordKeeper } from '../../src/keeper/record-keeper.ts'
import type { KeeperMetrics } from '../../src/keeper/record-keeper.ts'
import { createKeeperMetrics } from '../../relay/metrics/keeper-metrics.ts'
import { MetricsRegistry } from '../../relay/metrics/registry.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { createTestMember, createTestNetwork } from '../helpers/network.ts'
import { sample, writeRecord } from './fixtures.ts'

// The relay side of the keeper's metrics hook (keeper-metrics.test.ts covers
// the hook itself, in browsers too): prom-client is a Node library, so this
// part runs on the server runtimes only.
const network = await createTestNetwork()
const member = await createTestMember(network, ['backend_developer'])
const address = 'ucxl://project123/metrics/keeper-prom'

async function openKeeper (metrics: KeeperMetrics): Promise<RecordKeeper> {
  const store = createMemoryStore()
  await store.open()
  return new RecordKeeper({
    store,
    validation: () => ({ rootPublicKey: network.root.publicKey, policy: network.policy }),
    metrics
  })
}

describe('record keeper metrics in a registry', () => {
  it('createKeeperMetrics turns observations into Prometheus counters and histograms', async () => {
    const registry = new MetricsRegistry()
    const keeper = await openKeeper(createKeeperMetrics(registry))
    const v1 = await writeRecord(network, member, address, 'v1')
    const v2 = await writeRecord(network, member, address, 'v2', v1.envelope.clock)
    await keeper.put(v1.key, v1.bytes)
    await keeper.put(v2.key, v2.bytes)
    await keeper.put(v1.key, v1.bytes).catch(() => {})
    await keeper.get(v1.key)
    const page = await registry.render()
    expect(sample(page, 'slurp_record_puts_total', { outcome: 'stored' })).toBe(1)
    expect(sample(page, 'slurp_record_puts_total', { outcome: 'replaced' })).toBe(1)
    expect(sample(page, 'slurp_record_puts_total', { outcome: 'rejected' })).toBe(1)
    expect(sample(page, 'slurp_record_rejections_total', { reason: 'ERR_STALE_RECORD' })).toBe(1)
    expect(sample(page, 'slurp_record_gets_total')).toBe(1)
    expect(sample(page, 'slurp_record_bytes_in_total')).toBe(2 * v1.bytes.length + v2.bytes.length)
    expect(sample(page, 'slurp_put_duration_seconds_count')).toBe(3)
    expect(sample(page, 'slurp_put_duration_seconds_bucket', { le: '+Inf' })).toBe(3)
    expect(sample(page, 'slurp_get_duration_seconds_count')).toBe(1)
    expect(sample(page, 'slurp_record_size_bytes_sum')).toBe(2 * v1.bytes.length + v2.bytes.length)
    // A second hook on the same registry shares the metrics rather than clashing.
    createKeeperMetrics(registry).get({ seconds: 0.001, records: 0 })
    expect(sample(await registry.render(), 'slurp_record_gets_total')).toBe(2)
  })
})
