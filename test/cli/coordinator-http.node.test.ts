import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCoordinatorRuntime } from '../../relay/coordinator-runtime.ts'
import type { CoordinatorRuntime } from '../../relay/coordinator-runtime.ts'
import { NetworkDir } from '../../relay/network-dir.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { createStaticGenerator } from '../../src/generate/index.ts'
import { slurpInProcess } from '../helpers/in-process-cli.ts'
import { eventually } from '../helpers/mesh.ts'

// A coordinator as `slurp coordinator --http` runs it: /health, /status and
// Prometheus /metrics follow its elections and generations.

let base: string
let relay: RunningRelay
let second: RunningRelay
let coordinator: CoordinatorRuntime

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-coordinator-http-'))
  expect((await slurpInProcess(['init', '--dir', join(base, 'net')])).code).toBe(0)
  const dir = new NetworkDir(join(base, 'net'))
  // Two relays: a write needs two replicas.
  relay = await startRelayServer({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, 'relay'), bootstrap: [] })
  second = await startRelayServer({ dir, listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, 'relay-2'), bootstrap: [relay.multiaddrs[0] as string] })
  coordinator = await startCoordinatorRuntime({
    dir,
    bootstrap: [relay.multiaddrs[0] as string],
    listen: ['/ip4/127.0.0.1/tcp/0'],
    voterAddrs: [],
    data: join(base, 'coordinator'),
    generator: createStaticGenerator(),
    http: { hostname: '127.0.0.1', port: 0 }
  })
}, 60_000)

afterAll(async () => {
  await coordinator?.stop()
  await second?.stop()
  await relay?.stop()
  await rm(base, { recursive: true, force: true })
})

describe('slurp coordinator --http', () => {
  it('reports its leadership, queue and generations', async () => {
    const url = coordinator.httpUrl as string
    await eventually(async () => { expect((await fetch(`${url}/health`)).status).toBe(200) })
    const status = await (await fetch(`${url}/status`)).json()
    expect(status).toMatchObject({ role: 'leader', leader: coordinator.peerId, lease: true })

    await writeFile(join(base, 'hello.ts'), '/** Says hello. */\nexport const hello = (): string => "hello"\n')
    const generated = await slurpInProcess(['generate', join(base, 'hello.ts'), '--as', 'backend_developer', '--project', 'demo', '--root', base, '--wait',
      '--dir', join(base, 'net'), '--bootstrap', relay.multiaddrs[0] as string, '--voter', coordinator.multiaddrs[0] as string])
    expect(generated.code, generated.stdout + generated.stderr).toBe(0)

    const metrics = await (await fetch(`${url}/metrics`)).text()
    expect(metrics).toMatch(/^slurp_coordinator_term [1-9]/m)
    expect(metrics).toMatch(/^slurp_coordinator_is_leader 1$/m)
    expect(metrics).toMatch(/^slurp_generations_total\{outcome="done"\} 1$/m)
    expect(metrics).toMatch(/^slurp_generation_duration_seconds_count 1$/m)
    expect(metrics).toMatch(/^slurp_generation_queue_depth\{priority="normal"\} 0$/m)
    expect(metrics).toMatch(/^slurp_generation_requests\{state="done"\} 1$/m)
  }, 60_000)
})
