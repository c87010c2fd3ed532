import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { slurp } from '../helpers/cli.ts'
import { startRelayProcess } from '../helpers/relay-process.ts'
import type { RelayProcess, Runtime } from '../helpers/relay-process.ts'

// The relay as users run it: `slurp relay` as a process on Node, Bun and Deno
// from the same source, driven by the Node `slurp put/get/status` CLI.
let base: string
let dir: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-relays-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

// npm test's second pass on Node 22 (SLURP_REPEAT_PASS) runs only the Node relay: a Bun or
// Deno relay process behaves the same whichever Node runs this file.
const runtimes: Runtime[] = process.env.SLURP_REPEAT_PASS === '1' ? ['node'] : ['node', 'bun', 'deno']

describe.each<Runtime>(runtimes)('slurp relay on %s', runtime => {
  let relays: RelayProcess[] = []

  beforeAll(async () => {
    const first = await startRelayProcess(runtime, ['--dir', dir, '--data', join(base, `${runtime}-0`), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', '127.0.0.1:0'])
    relays = [first]
    for (let i = 1; i < 3; i++) {
      relays.push(await startRelayProcess(runtime, ['--dir', dir, '--data', join(base, `${runtime}-${i}`), '--listen', '/ip4/127.0.0.1/tcp/0', '--http', 'off', '--bootstrap', first.ready.multiaddrs[0] as string]))
    }
  }, 180_000)

  afterAll(async () => {
    await Promise.all(relays.map(async relay => await relay.stop()))
  })

  it('serves HTTP health and takes CLI writes that another CLI reads back', async () => {
    const health = await fetch(`${relays[0]?.ready.http as string}/health`)
    expect(health.status).toBe(200)
    expect((await health.json()).peerId).toBe(relays[0]?.ready.peerId)

    const bootstrap = ['--bootstrap', relays.map(r => r.ready.multiaddrs[0]).join(',')]
    const address = `ucxl://project123/${runtime}/notes.md`
    const put = await slurp(['put', address, '--dir', dir, '--as', 'backend_developer', ...bootstrap], { input: '{"summary":"written through a relay on ' + runtime + '","tags":["cli"]}' })
    expect(put.stderr).toBe('')
    expect(put.json()).toMatchObject({ address, replicas: 3, target: 3 })
    const get = await slurp(['get', address, '--dir', dir, '--role', 'senior_architect', ...bootstrap])
    expect(get.json()).toMatchObject({ summary: `written through a relay on ${runtime}`, creatorRole: 'backend_developer' })
    const status = await slurp(['status', address, '--dir', dir, ...bootstrap])
    expect(status.json().record).toMatchObject({ replicas: 3, target: 3 })
    const missing = await slurp(['get', `ucxl://project123/${runtime}/none`, '--dir', dir, ...bootstrap])
    expect(missing.code).toBe(3)
    // A suggestion lives beside the context (issue 10 finding 4): get still shows the context.
    const suggested = await slurp(['put', address, '--dir', dir, '--as', 'qa_engineer', '--type', 'suggestion', ...bootstrap], { input: 'add an example' })
    expect(suggested.stderr).toBe('')
    expect((await slurp(['get', address, '--dir', dir, '--role', 'senior_architect', ...bootstrap])).json()).toMatchObject({ creatorRole: 'backend_developer' })
    const listed = (await slurp(['suggestions', address, '--dir', dir, '--role', 'senior_architect', ...bootstrap])).json() as Array<{ item: { creatorRole: string, contentType: string } }>
    expect(listed.map(entry => [entry.item.creatorRole, entry.item.contentType])).toEqual([['qa_engineer', 'suggestion']])
    if (runtime === 'node') {
      // A file written with --inherit keeps only what its folder does not give; resolve gives it all back.
      const file = `ucxl://project123/${runtime}/notes.md/section-1`
      expect((await slurp(['put', file, '--inherit', '--dir', dir, '--as', 'backend_developer', ...bootstrap], { input: '{"summary":"the first section","tags":["cli","intro"]}' })).code).toBe(0)
      const resolved = (await slurp(['resolve', file, '--depth', '1', '--dir', dir, '--role', 'senior_architect', ...bootstrap])).json()
      expect(resolved.resolved.tags).toEqual([{ value: 'intro', from: file }, { value: 'cli', from: address }])
      expect(resolved.levels.map((level: { status: string }) => level.status)).toEqual(['found', 'found'])
      // Every address written so far is listed, from the directory each CLI put added to.
      const listed = await slurp(['ls', `ucxl://project123/${runtime}`, '--dir', dir, ...bootstrap])
      expect(listed.stdout.toString().trim().split('\n')).toEqual([`${address}\tcontext\tbackend_developer`, `${file}\tcontext\tbackend_developer`])
      // The notes were written once, then a suggestion beside them: one version, current.
      const logged = await slurp(['log', address, '--dir', dir, ...bootstrap])
      expect(logged.stdout.toString()).toMatch(new RegExp(`^\\* \\S+\\tbackend_developer\\twritten through a relay on ${runtime}\\n$`))
      const searched = await slurp(['search', 'first sect', '--project', 'project123', ...bootstrap, '--dir', dir])
      expect(searched.stdout.toString().split('\t')[0]).toBe(file)
      expect(searched.stdout.toString()).toContain('the «first» «section»')
      expect(searched.stderr).toMatch(/^slurp search: 1 match; type: context 1;/)
      // A decision on the notes, then one that supersedes it: both sides say so, and the query explains it.
      const first = `ucxl://project123/${runtime}/decisions/1`
      const second = `ucxl://project123/${runtime}/decisions/2`
      expect((await slurp(['decide', first, '--as', 'senior_architect', '--affects', address, '--valid-at', '2026-01-01T00:00:00Z', ...bootstrap, '--dir', dir], { input: 'notes are markdown' })).code).toBe(0)
      const superseding = await slurp(['decide', second, '--as', 'senior_architect', '--supersedes', first, '--valid-at', '2026-06-01T00:00:00Z', '--rationale', 'tables', ...bootstrap, '--dir', dir], { input: 'notes are org files' })
      expect(superseding.json().superseded).toMatchObject([{ address: first, written: { replicas: 3 } }])
      const hits = (await slurp(['decisions', file, '--include-superseded', ...bootstrap, '--dir', dir])).json() as Array<{ address: string, hop: number, status: string, chain: Array<{ link: string }> }>
      expect(hits.map(hit => [hit.address, hit.hop, hit.status, hit.chain.map(step => step.link)])).toEqual([[first, 0, 'superseded', []], [second, 1, 'accepted', ['superseded_by']]])
    }
  // Eight CLI processes one after another: about 10 s alone, over 30 s beside the fault suite on two cores.
  }, 90_000)

  it('stops cleanly on SIGTERM (WebSockets listener too) and restarts with its identity and records', async () => {
    const data = join(base, `${runtime}-solo`)
    const args = ['--dir', dir, '--data', data, '--listen', '/ip4/127.0.0.1/tcp/0', '--listen', '/ip4/127.0.0.1/tcp/0/ws', '--http', '127.0.0.1:0']
    const solo = await startRelayProcess(runtime, args)
    const bootstrap = ['--bootstrap', solo.ready.multiaddrs[0] as string, '--replicas', '1']
    const address = `ucxl://project123/${runtime}/durable`
    expect((await slurp(['put', address, '--dir', dir, '--as', 'backend_developer', ...bootstrap], { input: 'kept across restarts' })).code).toBe(0)
    expect(await solo.stop()).toBe(0)
    expect(solo.output()).toMatch(/"event": "stopped"/)
    if (runtime === 'bun') {
      // Bun never finishes closing a WebSockets listener; the relay says so and still closes its store.
      expect(solo.output()).toMatch(/known Bun WebSockets issue/)
    }
    const again = await startRelayProcess(runtime, args)
    try {
      expect(again.ready.peerId).toBe(solo.ready.peerId)
      const status = await (await fetch(`${again.ready.http as string}/status`)).json()
      // The record, and the directory record that lists it (written as the CLI stopped).
      expect(status.records).toBe(2)
      const got = await slurp(['get', address, '--dir', dir, '--bootstrap', again.ready.multiaddrs[0] as string, '--role', 'backend_developer'])
      expect(got.json().summary).toBe('kept across restarts')
    } finally {
      expect(await again.stop()).toBe(0)
    }
  // Two relay starts, a stop and two CLI processes: 4–14 s alone, more beside the fault suite.
  }, 90_000)
})
