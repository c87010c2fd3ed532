import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

// The age file codec under Bun and Deno (both npm dev dependencies): each must
// resolve `#age-aead` to @noble/ciphers (Bun's node:crypto has no
// chacha20-poly1305) and pass the checks in age-file-smoke.ts.
const root = fileURLToPath(new URL('../..', import.meta.url))
const smoke = 'test/runtime/age-file-smoke.ts'

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
])('age file codec on %s', (_name, binary, args) => {
  it('picks @noble/ciphers for #age-aead and passes the smoke checks', async () => {
    const result = await run(binary, args)
    expect(result.stdout + result.stderr).toMatch(/^#age-aead: @noble\/ciphers$/m)
    expect(result.stdout + result.stderr).toMatch(/^4 passed, 0 failed$/m)
    expect(result.code).toBe(0)
  })
})
