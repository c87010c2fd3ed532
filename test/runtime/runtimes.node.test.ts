import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The core's write/read path under Bun and Deno, both installed from npm as dev
// dependencies. Each must print its "N passed, 0 failed" line.
const root = fileURLToPath(new URL('../..', import.meta.url))
const smoke = 'test/runtime/smoke.ts'

function run (command: string, args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  return new Promise(resolve => {
    execFile(command, args, { cwd: root, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : (typeof error.code === 'number' ? error.code : 1), stdout, stderr })
    })
  })
}

describe.each([
  ['bun', `${root}node_modules/.bin/bun`, [smoke]],
  ['deno', `${root}node_modules/.bin/deno`, ['run', '--allow-read', '--allow-env', smoke]]
])('core on %s', (_name, binary, args) => {
  it('passes the runtime smoke checks', async () => {
    const result = await run(binary, args)
    expect(result.stdout + result.stderr).toMatch(/^5 passed, 0 failed$/m)
    expect(result.code).toBe(0)
  })
})
