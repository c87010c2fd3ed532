import { monitorEventLoopDelay } from 'node:perf_hooks'
import { LAG_RESOLUTION_MS, lagBeyondTimer } from './protocol.ts'
import type { HealthReport, HealthStart } from './protocol.ts'

/**
 * Times the relay's /health every intervalMs from a process that does
 * nothing else, so a stall it measures is the relay's: timed from the
 * harness, which also gathers every client's samples, /health p99 carried
 * the harness's own event-loop delay (p99 17 ms). Reports every 2 s; on
 * "stop" it reports once more and exits.
 */
const REPORT_MS = 2000

const lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS })
lag.enable()
let samples: Array<[number, number, boolean]> = []
const state = { on: true }

process.on('message', message => {
  const value = message as { type: string }
  if (value.type === 'health') probe(value as HealthStart).catch(error => { console.error(error); process.exit(1) })
  if (value.type === 'stop') {
    state.on = false
    report()
    process.send?.({ type: 'stopped' }, () => { process.exit(0) })
  }
})

async function probe (init: HealthStart): Promise<void> {
  setInterval(report, REPORT_MS).unref()
  while (state.on) {
    const began = performance.now()
    let ok = false
    try {
      const response = await fetch(init.url, { signal: AbortSignal.timeout(2000) })
      await response.arrayBuffer()
      ok = response.ok
    } catch {}
    samples.push([Date.now(), Math.round((performance.now() - began) * 100) / 100, ok])
    await new Promise(resolve => setTimeout(resolve, Math.max(0, init.intervalMs - (performance.now() - began))))
  }
}

function report (): void {
  const message: HealthReport = { type: 'health-report', samples, lagP99Ms: lagBeyondTimer(lag.percentile(99) / 1e6) }
  lag.reset()
  samples = []
  process.send?.(message)
}
