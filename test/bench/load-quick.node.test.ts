import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url))

interface LoadJson {
  results: Array<{
    target: string
    held: number
    refused: number
    dropped: number
    ops: { count: number, errors: Record<string, number> }
    health: { count: number, failed: number }
    fds: { start: number, peak: number, after: number }
    flood: { attempted: number, admitted: number }
  }>
}

/**
 * The short version of `npm run bench:load` that CI runs (issue 14 §1): the
 * harness works end to end against a real `slurp relay` process, every
 * client is admitted and works without a failed operation, the flood gets
 * in, and the relay's descriptors come back when everyone leaves. Timing
 * goals are the benchmark's to report, not this test's.
 */
describe('npm run bench:load, short', () => {
  it('holds every client, fails no operation and gives its descriptors back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slurp-load-test-'))
    try {
      const json = join(dir, 'load.json')
      const args = ['--conditions=slurp-source', '--import', 'tsx', 'bench/load/run.ts', '--quick', '--target', 'slurp', '--clients', '40', '--duration', '8', '--json', json]
      const child = spawn(process.execPath, args, { cwd: REPOSITORY, stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
      const code = await new Promise<number | null>(resolve => child.once('exit', resolve))
      expect(code, stderr).toBe(0)
      const { results } = JSON.parse(await readFile(json, 'utf8')) as LoadJson
      const [slurp] = results
      expect(slurp?.target).toBe('slurp')
      expect(slurp).toMatchObject({ held: 40, refused: 0, dropped: 0 })
      expect(slurp?.ops.count).toBeGreaterThan(0)
      expect(slurp?.ops.errors).toEqual({})
      expect(slurp?.health.failed).toBe(0)
      expect(slurp?.flood.admitted).toBeGreaterThan(0)
      expect(slurp?.fds.peak).toBeGreaterThan(slurp?.fds.start ?? Infinity)
      expect(slurp?.fds.after).toBeLessThanOrEqual(slurp?.fds.start ?? -1)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }, 180_000)
})
