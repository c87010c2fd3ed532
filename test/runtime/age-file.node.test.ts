import { describe, expect, it } from 'vitest'
import { run, runtimesFor } from './in-runtimes.ts'

// The age file codec under Bun and Deno (both npm dev dependencies): each must
// resolve `#age-aead` to @noble/ciphers (Bun's node:crypto has no
// chacha20-poly1305) and pass the checks in age-file-smoke.ts.
const smoke = 'test/runtime/age-file-smoke.ts'

describe.each(runtimesFor(smoke))('age file codec on %s', (_name, binary, args) => {
  it('picks @noble/ciphers for #age-aead and passes the smoke checks', async () => {
    const result = await run(binary, args)
    expect(result.stdout + result.stderr).toMatch(/^#age-aead: @noble\/ciphers$/m)
    expect(result.stdout + result.stderr).toMatch(/^4 passed, 0 failed$/m)
    expect(result.code).toBe(0)
  })
})
