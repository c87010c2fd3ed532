/**
 * Plain checks for the smoke scripts Bun and Deno run (they do not run
 * vitest): register with check(), then runChecks() prints "ok"/"not ok" per
 * check and one "N passed, N failed" line, and throws when any failed.
 */
const checks: Array<[string, () => Promise<void>]> = []

export function check (name: string, fn: () => Promise<void>): void {
  checks.push([name, fn])
}

export function assert (condition: unknown, message: string): asserts condition {
  if (condition !== true) throw new Error(message)
}

export async function runChecks (): Promise<void> {
  let passed = 0
  let failed = 0
  for (const [name, fn] of checks) {
    try {
      await fn()
      passed++
      console.log(`ok - ${name}`)
    } catch (error) {
      failed++
      console.log(`not ok - ${name}: ${(error as Error).stack ?? String(error)}`)
    }
  }
  console.log(`${passed} passed, ${failed} failed`)
  if (failed > 0) throw new Error(`${failed} runtime checks failed`)
}
