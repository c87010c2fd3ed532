import { describe, expect, it } from 'vitest'
import { run, runtimesFor } from './in-runtimes.ts'

// The core's write/read path under Bun and Deno, both installed from npm as dev
// dependencies. Each must print its "N passed, 0 failed" line.
const smoke = 'test/runtime/smoke.ts'

describe.each(runtimesFor(smoke))('core on %s', (_name, binary, args) => {
  it('passes the runtime smoke checks', async () => {
    const result = await run(binary, args)
    expect(result.stdout + result.stderr).toMatch(/^5 passed, 0 failed$/m)
    expect(result.code).toBe(0)
  })
})
