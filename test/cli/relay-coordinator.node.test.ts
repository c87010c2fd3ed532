import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { slurpInProcess } from '../helpers/in-process-cli.ts'
import { startServerProcess } from '../helpers/relay-process.ts'
import type { RelayProcess } from '../helpers/relay-process.ts'

// `slurp relay --coordinator`: a relay that is also the network's voter, in one process.

const started: RelayProcess[] = []
let base: string | undefined

afterAll(async () => {
  for (const process of started.reverse()) await process.stop()
  if (base !== undefined) await rm(base, { recursive: true, force: true })
})

describe('slurp relay --coordinator', () => {
  it('serves records and leads generation from one process, and stops both cleanly', async () => {
    base = await mkdtemp(join(tmpdir(), 'slurp-relay-coordinator-'))
    const dir = join(base, 'net')
    expect((await slurpInProcess(['init', '--dir', dir])).code).toBe(0)
    const relay = await startServerProcess('node', 'relay', ['--dir', dir, '--data', join(base, 'r1'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off',
      '--coordinator', '--coordinator-listen', '/ip4/127.0.0.1/tcp/0'])
    started.push(relay)
    const ready = relay.ready as typeof relay.ready & { coordinator?: { peerId: string, multiaddrs: string[] } }
    expect(ready.coordinator?.multiaddrs[0]).toMatch(/\/p2p\//)
    const bootstrap = relay.ready.multiaddrs[0] as string
    // A second relay: a write needs two replicas.
    started.push(await startServerProcess('node', 'relay', ['--dir', dir, '--data', join(base, 'r2'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--bootstrap', bootstrap]))

    await writeFile(join(base, 'notes.md'), '# Notes\n\nWhy the relay leads.\n')
    const generated = await slurpInProcess(['generate', join(base, 'notes.md'), '--root', base, '--project', 'demo', '--as', 'devops_engineer', '--wait',
      '--dir', dir, '--bootstrap', bootstrap, '--voter', ready.coordinator?.multiaddrs[0] as string])
    expect(generated.code, generated.stdout + generated.stderr).toBe(0)
    expect(JSON.parse(generated.stdout)).toMatchObject({ address: 'ucxl://demo/notes.md', state: 'done' })

    const read = await slurpInProcess(['get', 'ucxl://demo/notes.md', '--role', 'backend_developer', '--dir', dir, '--bootstrap', bootstrap])
    expect(read.code, read.stderr).toBe(0)
    expect(read.json().creatorRole).toBe('project_manager')

    expect(await (started.shift() as RelayProcess).stop()).toBe(0)
  }, 120_000)
})
