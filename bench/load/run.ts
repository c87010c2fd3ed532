// Load benchmark (issue 14 §1): `npm run bench:load [-- --quick] [--clients N] [--duration S] …`.
// N libp2p clients in child processes against one relay in its own process,
// plus a connection flood, first against `slurp relay` and then against a
// plain js-libp2p relay as the reference. See options.ts for every option.
import '../../src/runtime/node-shim.ts'
import { writeFile } from 'node:fs/promises'
import { describeMachine, renderMachine } from '../machine.ts'
import { LoadUsageError, USAGE, parseLoadOptions } from './options.ts'
import type { LoadOptions } from './options.ts'
import { renderGoals, renderTable } from './report.ts'
import { runScenario } from './scenario.ts'
import type { LoadResult } from './scenario.ts'

let options: LoadOptions
try {
  options = parseLoadOptions(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof LoadUsageError)) throw error
  process.stderr.write(`${error.message}\n${USAGE}\n`)
  process.exit(2)
}
if (process.argv.includes('--help')) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

process.stdout.write(`${renderMachine(await describeMachine(), options.quick)}\n`)
process.stdout.write(`# Load: ${options.clients} clients over ${options.processes} processes joining ${options.rampPerSecond}/s, ` +
  `an operation each every ${options.opIntervalMs / 1000} s (40 % DHT lookups, 40 % record reads, 20 % writes), ` +
  `a flood of ${options.floodRate} fresh connections/s, ${options.warmupS > 0 ? `${options.warmupS} s warm-up, ` : ''}${options.durationS} s steady` +
  `${options.slowHttp > 0 ? `, ${options.slowHttp} slow-body HTTP connections` : ''}; ` +
  `clients pinging the relay ${options.clientPingMs === undefined ? 'as its own peers do (slurp peers every 30 s, js-libp2p every 10 s)' : `every ${options.clientPingMs / 1000} s`}; ` +
  `load generators at nice ${options.clientNice} (clients with a 64 MB young generation); ` +
  `relays ${options.relayHeapMb > 0 ? `with --max-old-space-size=${options.relayHeapMb}` : 'with V8\'s default heap size'}; everything on 127.0.0.1\n\n`)

const results: LoadResult[] = []
for (const target of options.targets) {
  results.push(await runScenario(target, options, line => { process.stderr.write(`  ${line}\n`) }))
}
process.stdout.write(`\n${renderTable(results)}\n\n${renderGoals(options, results)}`)
for (const result of results) {
  if (Object.keys(result.ops.errors).length > 0) process.stdout.write(`${result.target} failed operations: ${JSON.stringify(result.ops.errors)}\n`)
  if (Object.keys(result.dialErrors).length > 0) process.stdout.write(`${result.target} client dial errors: ${JSON.stringify(result.dialErrors)}\n`)
  if (Object.keys(result.flood.errors).length > 0) process.stdout.write(`${result.target} flood dial errors: ${JSON.stringify(result.flood.errors)}\n`)
}
// Goals are reported, never thrown (as in the other benches): one slow run does not hide the figures.
if (options.jsonPath !== undefined) await writeFile(options.jsonPath, `${JSON.stringify({ options, results }, null, 2)}\n`)
