import { spawn } from 'node:child_process'
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkDir } from '../../relay/network-dir.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { projectRoot } from '../helpers/cli.ts'
import { cliCommand } from '../helpers/relay-process.ts'
import { slurpInProcess as slurp } from '../helpers/in-process-cli.ts'

let base: string
let dir: string
let relays: RunningRelay[] = []
let bootstrap: string[] = []

/** Three relays as `slurp relay` runs them (LevelDB under `data`), in this process. */
async function startRelays (data: string): Promise<void> {
  relays = []
  for (let i = 0; i < 3; i++) {
    relays.push(await startRelayServer({ dir: new NetworkDir(dir), listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, `${data}-${i}`), bootstrap: relays.map(r => r.multiaddrs[0] as string) }))
  }
  bootstrap = relays.flatMap(relay => ['--bootstrap', relay.multiaddrs[0] as string])
}

function lines (project: string, count: number, extra: (i: number) => Record<string, unknown> = () => ({})): string {
  return Array.from({ length: count }, (_, i) => JSON.stringify({ address: `ucxl://${project}/src/file-${String(i + 1).padStart(2, '0')}.ts`, summary: `file ${i + 1}`, tags: ['bulk'], as: 'backend_developer', ...extra(i + 1) })).join('\n') + '\n'
}

async function exists (path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false)
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-bulk-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
  await startRelays('relay')
}, 60_000)
afterAll(async () => {
  for (const relay of relays) await relay.stop()
  await rm(base, { recursive: true, force: true })
})

describe('slurp import / export', { timeout: 120_000 }, () => {
  it('checks every line first: a file with bad lines is refused by line number and nothing is written', async () => {
    const file = join(base, 'bad.jsonl')
    await writeFile(file, lines('bad', 3) + '{"address":"ucxl://bad/x","as":"backend_developer"}\nnot json\n')
    const run = await slurp(['import', file, '--dir', dir, ...bootstrap])
    expect(run.code).toBe(5)
    expect(run.stderr).toMatch(/InvalidLinesError: 2 of 5 lines are not valid context items; nothing was written:\n {2}line 4: .*summary must be a string\n {2}line 5: InvalidRecordError: not valid JSON/)
    expect(await exists(`${file}.slurp-import-state`)).toBe(false)
    expect((await slurp(['export', '--project', 'bad', '--dir', dir, ...bootstrap])).stdout).toBe('')
  })

  it('stops on an interrupt, leaves a state, reports the failed line, and the same command resumes', async () => {
    const file = join(base, 'resume.jsonl')
    // Line 5 is a decision, which backend_developer may not write: it fails at every run.
    await writeFile(file, lines('resume', 12, i => i === 5 ? { type: 'decision' } : {}))
    const controller = new AbortController()
    const events: any[] = []
    // One write at a time, interrupted from inside the failure's event: lines 1-4 written, 6-12 not started.
    const first = await slurp(['import', file, '--dir', dir, '--json', '--concurrency', '1', ...bootstrap], {
      interrupt: controller.signal,
      onStderr: text => {
        for (const line of text.split('\n').filter(l => l.startsWith('{'))) {
          const event = JSON.parse(line)
          events.push(event)
          if (event.event === 'item-failed') controller.abort()
        }
      }
    })
    expect(first.code).toBe(1)
    expect(first.stderr).toMatch(/AbortError: interrupted: 4 of 12 items written; run the same command again to resume/)
    expect(first.json()).toMatchObject({ lines: 12, stored: 4, skipped: 0, unfinished: 7, interrupted: true, state: `${file}.slurp-import-state` })
    expect(first.json().failed).toEqual([{ line: 5, address: 'ucxl://resume/src/file-05.ts', error: 'WriteNotAllowedError', code: 'ERR_WRITE_NOT_ALLOWED', message: expect.any(String) }])
    expect(events[0]).toEqual({ event: 'start', total: 12, lines: 12, skipped: 0 })
    expect(events.find(e => e.event === 'item-failed')).toMatchObject({ line: 5, error: 'WriteNotAllowedError' })
    expect(events.at(-1)).toMatchObject({ event: 'done', done: 5, failed: 1, total: 12, stored: 4, interrupted: true })
    const state = JSON.parse(await readFile(`${file}.slurp-import-state`, 'utf8'))
    expect(state).toMatchObject({ format: 'slurp-import-state/1', lines: 12, done: [[1, 4]] })

    // The same command: lines 1-4 skipped, the rest written, line 5 failing again (and so kept for the next run).
    const second = await slurp(['import', file, '--dir', dir, ...bootstrap])
    expect(second.code).toBe(1)
    expect(second.json()).toMatchObject({ lines: 12, stored: 7, skipped: 4, unfinished: 0, interrupted: false })
    expect(second.json().failed.map((f: any) => f.line)).toEqual([5])
    expect(second.stderr).toMatch(/import: line 5: ucxl:\/\/resume\/src\/file-05\.ts: WriteNotAllowedError/)
    expect(second.stderr).toMatch(/IncompleteBatchError: 1 of 8 items failed/)
    expect(JSON.parse(await readFile(`${file}.slurp-import-state`, 'utf8')).done).toEqual([[1, 4], [6, 12]])

    // A changed file is another file: the state does not apply, and a complete run leaves none.
    await writeFile(file, lines('resume', 12, i => i === 5 ? { summary: 'file 5, now as context' } : {}))
    const third = await slurp(['import', file, '--dir', dir, ...bootstrap])
    expect(third.stderr).toMatch(/changed since .* was written; starting from the first line/)
    expect(third.code).toBe(0)
    expect(third.json()).toMatchObject({ stored: 12, skipped: 0, failed: [], state: null })
    expect(await exists(`${file}.slurp-import-state`)).toBe(false)
  })

  it('Ctrl-C on the real process stops it cleanly with a state, and the same command finishes the job', async () => {
    const file = join(base, 'sigint.jsonl')
    await writeFile(file, lines('sigint', 20))
    const [command, prefix] = cliCommand('node')
    const child = spawn(command, [...prefix, 'import', file, '--dir', dir, '--json', '--concurrency', '1', ...bootstrap], { cwd: projectRoot })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      // The first progress event comes with the first line written: Ctrl-C then.
      if (stderr.includes('"event":"progress"') && child.signalCode === null && !child.killed) child.kill('SIGINT')
    })
    const code = await new Promise<number | null>(resolve => child.on('close', resolve))
    expect(code).toBe(1)
    expect(stderr).toMatch(/AbortError: interrupted: \d+ of 20 items written/)
    const summary = JSON.parse(stdout)
    expect(summary.interrupted).toBe(true)
    expect(summary.stored).toBeGreaterThanOrEqual(1)
    expect(summary.stored).toBeLessThan(20)
    expect(await exists(`${file}.slurp-import-state`)).toBe(true)

    const again = await slurp(['import', file, '--dir', dir, ...bootstrap])
    expect(again.code).toBe(0)
    expect(again.json()).toMatchObject({ skipped: summary.stored, stored: 20 - summary.stored, failed: [], state: null })
    const exported = await slurp(['export', '--project', 'sigint', '--dir', dir, ...bootstrap])
    expect(exported.code).toBe(0)
    expect(exported.stdout.trim().split('\n').map(line => JSON.parse(line).summary)).toEqual(Array.from({ length: 20 }, (_, i) => `file ${i + 1}`))
  })

  it('an interrupted export to a file leaves no file, and no partial one', async () => {
    const out = join(base, 'interrupted.jsonl')
    const controller = new AbortController()
    const run = await slurp(['export', '--project', 'sigint', '--out', out, '--json', '--concurrency', '1', '--dir', dir, ...bootstrap], {
      interrupt: controller.signal,
      onStderr: text => { if (text.includes('"event":"progress"')) controller.abort() }
    })
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/AbortError: interrupted after 1 item; .*interrupted\.jsonl was not written/)
    expect(run.json()).toMatchObject({ written: 1, interrupted: true, out: null })
    expect(await exists(out)).toBe(false)
    expect((await readdir(base)).filter(name => name.startsWith('interrupted.jsonl'))).toEqual([])
  })

  it('export needs a project, and says why', async () => {
    const run = await slurp(['export', '--dir', dir, ...bootstrap])
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(/export needs --project P .*slurp keeps no list of a network's projects/)
  })

  it('round trip: export, wipe every relay, import the export, export again: the same items', async () => {
    const file = join(base, 'trip.jsonl')
    await writeFile(file, [
      { address: 'ucxl://trip/README.md', summary: 'the project', purpose: 'say what it is', body: 'Zeilen\nmit Umlauten: äöü ✓', metadata: { owner: 'ann' }, as: 'senior_architect' },
      { address: 'ucxl://trip/src/net/dial.ts', summary: 'dials relays', parent: 'ucxl://trip/src/net', technologies: ['libp2p'], tags: ['net'], insights: ['retries with backoff'], as: 'backend_developer' },
      { address: 'ucxl://trip/decisions/0001', summary: 'use LevelDB', type: 'decision', decision: { status: 'accepted', affects: ['ucxl://trip/src/store'], rationale: 'small and embedded', alternatives: ['sqlite'] }, as: 'senior_architect' },
      { address: 'ucxl://trip/tasks/42', summary: 'add export', type: 'task', as: 'backend_developer' }
    ].map(line => JSON.stringify(line)).join('\n'))
    expect((await slurp(['import', file, '--dir', dir, ...bootstrap])).code).toBe(0)

    const first = join(base, 'trip-export-1.jsonl')
    const exported = await slurp(['export', '--project', 'trip', '--out', first, '--dir', dir, ...bootstrap])
    expect(exported.stderr).not.toMatch(/Error/)
    expect(exported.code).toBe(0)
    expect(exported.json()).toMatchObject({ projects: ['trip'], written: 4, failed: [], interrupted: false, out: first })
    // Plaintext of encrypted records: readable by its owner only.
    expect((await stat(first)).mode & 0o777).toBe(0o600)
    const before = (await readFile(first, 'utf8')).trim().split('\n').map(line => JSON.parse(line))
    expect(before.map(item => item.address)).toEqual(['ucxl://trip/README.md', 'ucxl://trip/decisions/0001', 'ucxl://trip/src/net/dial.ts', 'ucxl://trip/tasks/42'])
    expect(before[1]).toMatchObject({ contentType: 'decision', creatorRole: 'senior_architect', decision: { status: 'accepted', affects: ['ucxl://trip/src/store'] } })

    // Wipe: every relay gone, fresh ones on empty stores.
    for (const relay of relays) await relay.stop()
    await startRelays('wiped')
    expect((await slurp(['export', '--project', 'trip', '--dir', dir, ...bootstrap])).stdout).toBe('')

    const restored = await slurp(['import', first, '--dir', dir, ...bootstrap])
    expect(restored.code).toBe(0)
    expect(restored.json()).toMatchObject({ lines: 4, stored: 4, failed: [] })
    const second = join(base, 'trip-export-2.jsonl')
    expect((await slurp(['export', '--project', 'trip', '--out', second, '--dir', dir, ...bootstrap])).code).toBe(0)
    const after = (await readFile(second, 'utf8')).trim().split('\n').map(line => JSON.parse(line))
    const timeless = (items: any[]): any[] => items.map(({ createdAt, updatedAt, ...rest }) => rest)
    expect(timeless(after)).toEqual(timeless(before))
  })
})
