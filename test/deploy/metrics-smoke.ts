import { tmpdir } from 'node:os'
import { createDiskGuard } from '../../relay/disk-guard.ts'
import { createKeeperMetrics } from '../../relay/metrics/keeper-metrics.ts'
import { createProcessMetrics } from '../../relay/metrics/process-metrics.ts'
import { assert, check, runChecks } from '../runtime/checks.ts'

/**
 * Run by metrics-runtimes.node.test.ts under Bun and Deno: a relay process's
 * registry (prom-client, its runtime metrics, the disk guard's gauges) renders
 * there as on Node, so /metrics works on every runtime a relay runs on.
 */
function value (page: string, name: string): number | undefined {
  const line = page.split('\n').find(l => l.startsWith(`${name} `))
  return line === undefined ? undefined : Number(line.slice(name.length + 1))
}

const registry = createProcessMetrics({ disk: createDiskGuard({ path: tmpdir(), minFreeBytes: 1 }) })
const keeper = createKeeperMetrics(registry)
keeper.put({ seconds: 0.002, bytes: 900, outcome: 'stored' })
keeper.put({ seconds: 0.001, bytes: 100, outcome: 'rejected', code: 'ERR_STALE_RECORD' })
const page = await registry.render()

check('renders the relay\'s counters and histograms', async () => {
  assert(page.includes('slurp_record_puts_total{outcome="stored"} 1\n'), 'stored put missing')
  assert(page.includes('slurp_record_rejections_total{reason="ERR_STALE_RECORD"} 1\n'), 'rejection missing')
  assert(value(page, 'slurp_put_duration_seconds_count') === 2, 'put duration count')
})
check('reports the disk the data directory is on', async () => {
  const free = value(page, 'slurp_disk_free_bytes')
  // NaN is allowed (a runtime without statfs); a number must be a real one.
  assert(free !== undefined && (Number.isNaN(free) || free > 0), `slurp_disk_free_bytes ${String(free)}`)
  assert(value(page, 'slurp_disk_min_free_bytes') === 1, 'floor')
})
check('adds the runtime metrics the dashboard and alerts read', async () => {
  for (const name of ['process_resident_memory_bytes', 'process_open_fds', 'process_max_fds', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_p99_seconds']) {
    const found = value(page, name)
    assert(found !== undefined && Number.isFinite(found), `${name}: ${String(found)}`)
  }
  assert((value(page, 'process_resident_memory_bytes') as number) > 0, 'RSS is 0')
})
check('every line is Prometheus text', async () => {
  for (const line of page.split('\n').filter(l => l !== '')) {
    assert(/^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? (Nan|[+-]Inf|-?[0-9.]+(e[+-]?\d+)?))$/.test(line), `bad line: ${line}`)
  }
})

await runChecks()
