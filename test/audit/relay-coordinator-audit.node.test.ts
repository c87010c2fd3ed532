import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { eventually } from '../helpers/mesh.ts'
import { slurpInProcess } from '../helpers/in-process-cli.ts'
import { startServerProcess } from '../helpers/relay-process.ts'
import type { RelayProcess } from '../helpers/relay-process.ts'

// `slurp relay --coordinator` as a process: the voter's elections land in the
// relay's own audit log, under the relay's signed checkpoints.

let relay: RelayProcess | undefined
let base: string | undefined

afterAll(async () => {
  await relay?.stop()
  if (base !== undefined) await rm(base, { recursive: true, force: true })
})

describe('slurp relay --coordinator', () => {
  it('notes the voter\'s election in the relay\'s audit log, proven under the relay\'s checkpoint', async () => {
    base = await mkdtemp(join(tmpdir(), 'slurp-relay-coordinator-audit-'))
    const dir = join(base, 'net')
    expect((await slurpInProcess(['init', '--dir', dir])).code).toBe(0)
    relay = await startServerProcess('node', 'relay', ['--dir', dir, '--data', join(base, 'r1'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0', '--web', 'off',
      '--coordinator', '--coordinator-listen', '/ip4/127.0.0.1/tcp/0'])
    const ready = relay.ready as typeof relay.ready & { coordinator: { peerId: string } }
    const url = ready.http as string
    const voter = ready.coordinator.peerId
    expect(voter).not.toBe(ready.peerId)

    let election = -1
    await eventually(async () => {
      const tail = await slurpInProcess(['audit', 'tail', '--relay', url, '--from', '0'])
      election = tail.stdout.trim().split('\n').filter(line => line !== '').map(line => JSON.parse(line)).find(entry => entry.kind === 'election' && entry.leader === voter)?.index ?? -1
      expect(election).toBeGreaterThanOrEqual(0)
    }, 30_000)
    // The relay signs a checkpoint every few seconds once its log grew: proven once one covers it.
    await eventually(async () => {
      const proved = await slurpInProcess(['audit', 'prove', '--relay', url, '--index', String(election)])
      expect(proved.code, proved.stderr).toBe(0)
      expect(proved.json()).toMatchObject({ included: true, entry: { kind: 'election', leader: voter }, checkpoint: { log: ready.peerId } })
    }, 30_000, 250)
    const verified = await slurpInProcess(['audit', 'verify', '--relay', url, '--dir', dir])
    expect(verified.code, verified.stderr).toBe(0)
    expect(verified.json()).toMatchObject({ relay: ready.peerId, verified: true })
  }, 120_000)
})
