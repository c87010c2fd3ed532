import { describe, expect, it } from 'vitest'
import { run } from '../runtime/in-runtimes.ts'
import { projectRoot } from '../helpers/cli.ts'

// prom-client is a Node library; relays also run on Bun and Deno (both npm dev
// dependencies). metrics-smoke.ts builds a relay process's registry there and
// must print its all-passed line. Deno runs it with --allow-all, as relays run
// (test/helpers/relay-process.ts): with less, Deno refuses /proc/self/limits
// and prom-client leaves out process_max_fds.
const smoke = 'test/deploy/metrics-smoke.ts'

describe.each([
  ['bun', `${projectRoot}node_modules/.bin/bun`, [smoke]],
  ['deno', `${projectRoot}node_modules/.bin/deno`, ['run', '--allow-all', smoke]]
])('relay metrics on %s', (_name, binary, args) => {
  it('render the relay\'s, the disk\'s and the runtime\'s metrics', async () => {
    const result = await run(binary, args)
    expect(result.stdout + result.stderr).toMatch(/^4 passed, 0 failed$/m)
    expect(result.code).toBe(0)
  }, 120_000)
})
