import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCoordinatorRuntime } from '../../relay/coordinator-runtime.ts'
import type { CoordinatorRuntime, CoordinatorRuntimeOptions } from '../../relay/coordinator-runtime.ts'
import { NetworkDir } from '../../relay/network-dir.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { AuditClient, verifyRelayLog } from '../../src/audit/client.ts'
import { createStaticGenerator } from '../../src/generate/index.ts'
import { slurpInProcess } from '../helpers/in-process-cli.ts'
import { until } from './voters.ts'

// A voter as `slurp coordinator --http` runs it keeps its own audit log and
// serves it where a relay serves one; as `slurp relay --coordinator` runs it,
// it writes into the relay's. Either way `slurp audit` reads and verifies it.

let base: string
let dir: NetworkDir
let relay: RunningRelay
const running: CoordinatorRuntime[] = []

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-coordinator-audit-'))
  expect((await slurpInProcess(['init', '--dir', join(base, 'net')])).code).toBe(0)
  dir = new NetworkDir(join(base, 'net'))
  relay = await startRelayServer({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, 'relay'), bootstrap: [], http: { hostname: '127.0.0.1', port: 0 } })
}, 60_000)

afterAll(async () => {
  for (const runtime of running) await runtime.stop()
  await relay?.stop()
  await rm(base, { recursive: true, force: true })
})

/** The directory's member as the network's one voter, leading once this resolves. */
async function leadingVoter (options: Pick<CoordinatorRuntimeOptions, 'data'> & Partial<CoordinatorRuntimeOptions>): Promise<CoordinatorRuntime> {
  const runtime = await startCoordinatorRuntime({
    dir,
    bootstrap: [relay.multiaddrs[0] as string],
    listen: ['/ip4/127.0.0.1/tcp/0'],
    voterAddrs: [],
    generator: createStaticGenerator(),
    ...options
  })
  running.push(runtime)
  await until(() => runtime.coordinator.status().role === 'leader', 'the voter to lead')
  return runtime
}

async function stop (runtime: CoordinatorRuntime): Promise<void> {
  running.splice(running.indexOf(runtime), 1)
  await runtime.stop()
}

describe('a voter\'s elections in an audit log', () => {
  it('slurp coordinator keeps its own, signed with its key and served at --http /v1/audit/*', async () => {
    const voter = await leadingVoter({ data: join(base, 'standalone'), http: { hostname: '127.0.0.1', port: 0 } })
    const term = voter.coordinator.status().term
    await voter.audit?.checkpoint()
    const url = voter.httpUrl as string
    const log = await verifyRelayLog(new AuditClient(url))
    expect(log.checkpoint.checkpoint.log).toBe(voter.peerId)
    expect(log.entries.map(({ entry: { time, ...rest } }) => rest)).toEqual([
      { kind: 'term', previous: 0, term },
      { kind: 'election', term, leader: voter.peerId }
    ])

    const tail = await slurpInProcess(['audit', 'tail', '--relay', url])
    expect(tail.code, tail.stderr).toBe(0)
    expect(tail.stdout.trim().split('\n').map(line => JSON.parse(line))).toMatchObject([{ index: 0, kind: 'term' }, { index: 1, kind: 'election', term, leader: voter.peerId }])
    const proved = await slurpInProcess(['audit', 'prove', '--relay', url, '--index', '1'])
    expect(proved.code, proved.stderr).toBe(0)
    expect(proved.json()).toMatchObject({ included: true, entry: { kind: 'election', leader: voter.peerId } })
    expect((await fetch(`${url}/v1/audit/entries?from=x`)).status).toBe(400)
    await stop(voter)

    // Started again on the same data: the log goes on where it was, a restart is no new term.
    const again = await leadingVoter({ data: join(base, 'standalone'), http: { hostname: '127.0.0.1', port: 0 } })
    const next = again.coordinator.status().term
    expect(next).toBeGreaterThan(term)
    await again.audit?.checkpoint()
    const grown = await verifyRelayLog(new AuditClient(again.httpUrl as string), log.checkpoint.checkpoint)
    expect(grown.entries.slice(2).map(({ entry: { time, ...rest } }) => rest)).toEqual([
      { kind: 'term', previous: term, term: next },
      { kind: 'election', term: next, leader: again.peerId }
    ])
    await stop(again)
  }, 60_000)

  it('inside a relay it writes into the relay\'s log: its checkpoints, /v1/audit/* and slurp audit show them', async () => {
    const voter = await leadingVoter({ data: join(base, 'in-relay'), audit: relay.relay.audit })
    expect(voter.audit).toBeUndefined()
    const term = voter.coordinator.status().term
    await relay.relay.audit.checkpoint()
    const log = await verifyRelayLog(new AuditClient(relay.httpUrl as string))
    expect(log.checkpoint.checkpoint.log).toBe(relay.peerId)
    expect(log.entries.map(entry => entry.entry)).toContainEqual(expect.objectContaining({ kind: 'election', term, leader: voter.peerId }))
    expect(log.entries.map(entry => entry.entry)).toContainEqual(expect.objectContaining({ kind: 'term', term }))

    const tail = await slurpInProcess(['audit', 'tail', '--relay', relay.httpUrl as string])
    expect(tail.code, tail.stderr).toBe(0)
    expect(tail.stdout.trim().split('\n').map(line => JSON.parse(line))).toContainEqual(expect.objectContaining({ kind: 'election', term, leader: voter.peerId }))
    await stop(voter)
  }, 60_000)
})
