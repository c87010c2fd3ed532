import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// serve.bun.ts and serve.deno.ts only run on their own runtime (both installed
// from npm as dev dependencies): serve-smoke.ts exercises each there and must
// print its all-passed line.
const root = fileURLToPath(new URL('../..', import.meta.url))
const smoke = 'test/http/serve-smoke.ts'

function run (command: string, args: string[]): Promise<{ code: number, output: string }> {
  return new Promise(resolve => {
    execFile(command, args, { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : 1), output: stdout + stderr })
    })
  })
}

describe.each([
  ['bun', `${root}node_modules/.bin/bun`, [smoke]],
  ['deno', `${root}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', smoke]]
])('serveHttp on %s', (name, binary, args) => {
  it('serves the app on a free port, answers over HTTP and closes', async () => {
    const result = await run(binary, args)
    expect(result.output).toMatch(new RegExp(`^${name}: 7 passed, 0 failed$`, 'm'))
    expect(result.output).not.toMatch(/FAIL|legacy-abort/)
    expect(result.code).toBe(0)
  }, 120_000)
})
