import type { LoadOptions } from './options.ts'
import type { LoadResult } from './scenario.ts'

/** The goals of issue 14 §1, on this machine. */
export interface LoadGoal {
  readonly label: string
  readonly pass: (result: LoadResult) => boolean
  readonly measured: (result: LoadResult) => string
}

export function loadGoals (options: LoadOptions): LoadGoal[] {
  return [
    { label: `${options.clients.toLocaleString('en-US')} clients held`, pass: r => r.held >= options.clients, measured: r => `${r.held} held, ${r.refused} refused, ${r.dropped} dropped` },
    { label: 'op p99 ≤ 60 ms', pass: r => r.ops.p99 <= 60, measured: r => `p99 ${ms(r.ops.p99)} (p50 ${ms(r.ops.p50)}, ${r.ops.count} ops)` },
    { label: '/health p99 ≤ 50 ms', pass: r => r.health.p99 <= 50 && r.health.failed === 0, measured: r => `p99 ${ms(r.health.p99)}, ${r.health.failed} failed of ${r.health.count}` },
    { label: 'RSS slope ≤ 1 MB/min', pass: r => r.rss.slopeMbPerMin <= 1, measured: r => `${r.rss.slopeMbPerMin.toFixed(2)} MB/min over ${(r.steadySeconds / 60).toFixed(1)} min` },
    { label: 'descriptors back to their start value', pass: r => r.fds.after <= r.fds.start, measured: r => `${r.fds.start} → peak ${r.fds.peak} → ${r.fds.after}` }
  ]
}

export function renderGoals (options: LoadOptions, results: readonly LoadResult[]): string {
  const lines: string[] = []
  for (const result of results) {
    lines.push(`goals: ${result.target}${result.target === 'vanilla' ? ' (reference)' : ''}`, '')
    for (const goal of loadGoals(options)) lines.push(`${goal.pass(result) ? 'PASS' : 'FAIL'}  ${goal.label}  (${goal.measured(result)})`)
    lines.push('')
  }
  return lines.join('\n')
}

/** Side by side, with slurp / vanilla ratios when both ran. */
export function renderTable (results: readonly LoadResult[]): string {
  const rows: Array<[string, ...string[]]> = [
    ['clients ping the relay every', ...results.map(r => `${r.clientPingS} s`)],
    ['clients connected after the ramp', ...results.map(r => `${r.connectedAfterRamp} / ${r.clients}`)],
    ['clients held at the end', ...results.map(r => `${r.held}`)],
    ['clients refused (8 dials failed)', ...results.map(r => `${r.refused} (${r.failedDials} failed dials)`)],
    ['client connections dropped', ...results.map(r => `${r.dropped}`)],
    ['flood dials admitted / attempted', ...results.map(r => `${r.flood.admitted} / ${r.flood.attempted}`)],
    ['op p50', ...results.map(r => ms(r.ops.p50))],
    ['op p99', ...results.map(r => ms(r.ops.p99))],
    ['op max', ...results.map(r => ms(r.ops.max))],
    ['  DHT lookup p50 / p99', ...results.map(r => pair(r.ops.byKind.dht))],
    ['  record read p50 / p99', ...results.map(r => pair(r.ops.byKind.get))],
    ['  record write p50 / p99', ...results.map(r => pair(r.ops.byKind.put))],
    ['ops (steady phase) / failed', ...results.map(r => `${r.ops.count} / ${Object.values(r.ops.errors).reduce((a, b) => a + b, 0)}`)],
    ['/health p50', ...results.map(r => ms(r.health.p50))],
    ['/health p99', ...results.map(r => ms(r.health.p99))],
    ['/health max / failed', ...results.map(r => `${ms(r.health.max)} / ${r.health.failed}`)],
    ['relay CPU (steady, % of a core)', ...results.map(r => `${r.cpuPercent.toFixed(0)} %`)],
    ['client processes CPU (all, % of a core)', ...results.map(r => `${r.clientCpuPercent.toFixed(0)} %`)],
    ['client event-loop delay p99 (worst)', ...results.map(r => ms(r.clientLagP99Ms))],
    ['relay event-loop delay p99 (worst 10 s)', ...results.map(r => ms(r.relayLagP99Ms))],
    ['/health prober event-loop delay p99 (worst)', ...results.map(r => ms(r.proberLagP99Ms))],
    ['RSS start → after ramp → after warm-up → end → after', ...results.map(r => `${r.rss.startMb.toFixed(0)} → ${r.rss.afterRampMb.toFixed(0)} → ${r.rss.warmedUpMb.toFixed(0)} → ${r.rss.endMb.toFixed(0)} → ${r.rss.afterMb.toFixed(0)} MB`)],
    ['RSS per connected client', ...results.map(r => `${r.rss.perConnectionKb.toFixed(0)} KB`)],
    ['JS heap before → lowest under load', ...results.map(r => Number.isNaN(r.rss.heapStartMb) ? '—' : `${r.rss.heapStartMb.toFixed(0)} → ${r.rss.heapLowMb.toFixed(0)} MB (${r.rss.heapPerConnectionKb.toFixed(0)} KB/client)`)],
    ['RSS slope (steady)', ...results.map(r => `${r.rss.slopeMbPerMin.toFixed(2)} MB/min`)],
    ['descriptors start → peak → after', ...results.map(r => `${r.fds.start} → ${r.fds.peak} → ${r.fds.after}`)],
    ['machine load average, start → end', ...results.map(r => `${r.loadAverage[0].toFixed(1)} → ${r.loadAverage[1].toFixed(1)}`)]
  ]
  if (results.some(r => r.slowHttp !== undefined)) rows.push(['slow HTTP sockets tried (connected or connecting) / closed by the relay', ...results.map(r => r.slowHttp === undefined ? '—' : `${r.slowHttp.open} / ${r.slowHttp.closedByServer}`)])
  const slurp = results.find(r => r.target === 'slurp')
  const vanilla = results.find(r => r.target === 'vanilla')
  const header: [string, ...string[]] = ['', ...results.map(r => r.target)]
  if (slurp !== undefined && vanilla !== undefined) {
    header.push('slurp / vanilla')
    const ratio = (a: number, b: number): string => Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : ''
    const ratios: Record<string, string> = {
      'op p50': ratio(slurp.ops.p50, vanilla.ops.p50),
      'op p99': ratio(slurp.ops.p99, vanilla.ops.p99),
      '/health p99': ratio(slurp.health.p99, vanilla.health.p99),
      'relay CPU (steady, % of a core)': ratio(slurp.cpuPercent, vanilla.cpuPercent),
      'RSS per connected client': ratio(slurp.rss.perConnectionKb, vanilla.rss.perConnectionKb)
    }
    for (const row of rows) row.push(ratios[row[0]] ?? '')
  }
  const all = [header, ...rows]
  const widths = header.map((_, column) => Math.max(...all.map(row => (row[column] ?? '').length)))
  const format = (row: readonly string[]): string => row.map((cell, column) => column === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[column] as number)).join('  ').trimEnd()
  return [format(header), widths.map(w => '─'.repeat(w)).join('  '), ...rows.map(format)].join('\n')
}

function ms (value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(value >= 100 ? 0 : 1)} ms` : '—'
}

function pair (p: { p50: number, p99: number } | undefined): string {
  return p === undefined ? '—' : `${ms(p.p50)} / ${ms(p.p99)}`
}
