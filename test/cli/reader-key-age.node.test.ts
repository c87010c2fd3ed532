import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAge } from '../helpers/age-cli.ts'
import { slurp } from '../helpers/cli.ts'

/**
 * A record stays openable with the real `age` tool in two steps: the role key
 * opens the sealed reader key, and that opens the record. After a rotation
 * the re-sealed reader key opens with the new role key, not with the old.
 */
describe('reader keys with the age CLI', { timeout: 90_000 }, () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slurp-reader-age-'))
    expect((await slurp(['init', '--dir', join(dir, 'net')])).code).toBe(0)
  })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('opens a record in two steps, before and after a rotation', async () => {
    const net = join(dir, 'net')
    const record = await slurp(['encrypt', '--as', 'backend_developer', '--dir', net], { input: 'written before' })
    expect(record.code).toBe(0)
    const sealed = await slurp(['policy', '--reader-key', 'backend_developer', '--dir', net])
    expect(sealed.code).toBe(0)
    await writeFile(join(dir, 'reader.age'), sealed.stdout)
    const oldRoleKey = join(dir, 'old-frontend.age')
    await writeFile(oldRoleKey, await readFile(join(net, 'keys', 'frontend_developer.age')))

    const readerIdentities = await runAge(['-d', '-i', oldRoleKey, join(dir, 'reader.age')], new Uint8Array())
    await writeFile(join(dir, 'reader.txt'), readerIdentities, { mode: 0o600 })
    expect(new TextDecoder().decode(await runAge(['-d', '-i', join(dir, 'reader.txt')], record.stdout))).toBe('written before')

    // No relay runs here: the rotation is written and says it could not be handed over.
    const rotated = await slurp(['rotate', '--role', 'frontend_developer', '--dir', net])
    expect(rotated.code).toBe(0)
    expect(rotated.json().policyVersion).toBe(2)
    const after = await slurp(['encrypt', '--as', 'backend_developer', '--dir', net], { input: 'written after' })
    const resealed = await slurp(['policy', '--reader-key', 'backend_developer', '--dir', net])
    await writeFile(join(dir, 'reader2.age'), resealed.stdout)
    // The new role key (first in keys/frontend_developer.age) opens the new epoch, which also holds the old one.
    const newRoleKey = join(net, 'keys', 'frontend_developer.age')
    await writeFile(join(dir, 'reader2.txt'), await runAge(['-d', '-i', newRoleKey, join(dir, 'reader2.age')], new Uint8Array()), { mode: 0o600 })
    expect(new TextDecoder().decode(await runAge(['-d', '-i', join(dir, 'reader2.txt')], after.stdout))).toBe('written after')
    expect(new TextDecoder().decode(await runAge(['-d', '-i', join(dir, 'reader2.txt')], record.stdout))).toBe('written before')
    // The old role key alone opens neither the re-sealed key nor, through the old one, the new record.
    await expect(runAge(['-d', '-i', oldRoleKey, join(dir, 'reader2.age')], new Uint8Array())).rejects.toThrow()
    await expect(runAge(['-d', '-i', join(dir, 'reader.txt')], after.stdout)).rejects.toThrow()
  })
})
