import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const script = fileURLToPath(new URL('./fixtures/ephemeral-stress.ts', import.meta.url))

/** Exit code and output of the stress script, or 'hung' when it stops making progress for good. */
async function stress (rounds: number, timeoutMs: number): Promise<{ code: number | 'hung', output: string }> {
  const child = spawn(process.execPath, ['--max-semi-space-size=1', '--import', 'tsx', script, String(rounds)], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', chunk => { output += String(chunk) })
  child.stderr.on('data', chunk => { output += String(chunk) })
  return await new Promise(resolve => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); resolve({ code: 'hung', output }) }, timeoutMs)
    child.on('exit', code => { clearTimeout(timer); resolve({ code: code ?? 1, output }) })
  })
}

// On Node 20, exporting a KeyObject that generateKeyPairSync made can deadlock
// the process for good (a GC during the export frees the finished key
// generation job, whose destructor waits for the lock the export holds). With
// a tiny young generation the old adapter hung within about 10,000 keys.
describe('node:crypto age adapter under garbage-collection pressure', () => {
  it('makes 30,000 ephemeral keys and agreements without hanging', async () => {
    const result = await stress(30_000, 60_000)
    expect(result.output).toContain('done 30000')
    expect(result.code).toBe(0)
  }, 90_000)
})
