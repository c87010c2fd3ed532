import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slurp } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import type { RelayProcess } from '../helpers/relay-process.ts'

/**
 * Policy changes reach running relays without a restart (issue 11): a user
 * added a role with `slurp keygen --role NEW`, and writes as it failed with
 * exit 6 until every relay was restarted. Now the admin's command hands the
 * new version to the relays, they pass it on, and a relay restarted later
 * keeps it.
 */
describe('policies spread to running relay processes', { timeout: 120_000 }, () => {
  let base: string
  let dir: string
  let relays: RelayProcess[] = []
  let bootstrap: string[]

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'slurp-policy-spread-'))
    dir = join(base, 'net')
    expect((await slurp(['init', '--dir', dir])).code).toBe(0)
    const first = await startRelayProcess('node', ['--dir', dir, '--data', join(base, 'r0'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off'])
    const second = await startRelayProcess('node', ['--dir', dir, '--data', join(base, 'r1'), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--bootstrap', first.ready.multiaddrs[0] as string])
    relays = [first, second]
    bootstrap = ['--bootstrap', first.ready.multiaddrs[0] as string]
  }, 120_000)
  afterAll(async () => {
    await Promise.all(relays.map(async relay => await relay.stop()))
    await rm(base, { recursive: true, force: true })
  })

  it('a role added while relays run can write at once; both relays hold the new version', async () => {
    const added = await slurp(['keygen', '--dir', dir, '--role', 'data_scientist', '--authority', 'coordination', ...bootstrap])
    expect(added.code).toBe(0)
    const result = added.json()
    expect(result).toMatchObject({ action: 'added', policyVersion: 2 })
    // Every relay the command reached holds version 2 when it returns.
    expect(result.published.relays).toBeGreaterThanOrEqual(1)
    expect(result.published.current).toBe(result.published.relays)
    const put = await slurp(['put', 'ucxl://d:data_scientist@p:t/model', '--dir', dir, '--as', 'data_scientist', ...bootstrap], { input: '{"summary":"the churn model"}' })
    expect(put.stderr).toBe('')
    expect(put.json()).toMatchObject({ replicas: 2 })
    // The second relay got it from the first, and keeps it in its data directory.
    const kept = JSON.parse(await readFile(join(base, 'r1', 'policy.json'), 'utf8'))
    expect(kept.policy.version).toBe(2)
  })

  it('a write the policy does not allow exits 4 with the reason, not 6', async () => {
    const refused = await slurp(['put', 'ucxl://d:data_scientist@p:t/decision', '--dir', dir, '--as', 'data_scientist', '--type', 'decision', ...bootstrap], { input: '{"summary":"not allowed"}' })
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(/WriteNotAllowedError/)
  })
})
