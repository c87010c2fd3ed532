import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AuditLog } from '../../src/audit/log.ts'
import { leafHash, verifyConsistency, verifyInclusion } from '../../src/audit/merkle.ts'
import { createLevelStore } from '../../src/store/level.node.ts'

const dir = await mkdtemp(join(tmpdir(), 'slurp-audit-'))

afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const ENTRIES = 100_000

describe('the audit log in LevelDB at 100k entries', () => {
  it('answers roots and proofs in well under a second after a restart', async () => {
    const path = join(dir, 'relay')
    let now = 1_700_000_000_000
    const store = createLevelStore({ path })
    await store.open()
    const log = new AuditLog({ store, now: () => now++ })
    await log.open()
    for (let i = 0; i < ENTRIES; i++) {
      log.append({ kind: 'stored', key: `/slurp/ucxl/${i.toString(36).padStart(43, 'a')}`, origin: i % 3 === 0 ? 'member' : 'replica' })
      if (i % 10_000 === 9_999) await log.flush()
    }
    await log.flush()
    expect(log.size).toBe(ENTRIES)
    const head = await log.root()
    const middle = await log.root(61_234)
    await log.close()
    await store.close()

    // A restart: a new store handle, a new log, nothing cached.
    const reopened = createLevelStore({ path })
    await reopened.open()
    const after = new AuditLog({ store: reopened })
    const started = performance.now()
    await after.open()
    const root = await after.root()
    const index = 77_777
    const [entry] = await after.entries(index, 1)
    const inclusion = await after.inclusionProof(index)
    const consistency = await after.consistencyProof(61_234)
    const elapsed = performance.now() - started
    expect(after.size).toBe(ENTRIES)
    expect(root).toEqual(head)
    expect(verifyInclusion(index, ENTRIES, leafHash(entry?.data as Uint8Array), inclusion, root)).toBe(true)
    expect(verifyConsistency(61_234, ENTRIES, middle, root, consistency)).toBe(true)
    // Opening, the root and both proofs: a few dozen reads, not 100k.
    expect(elapsed).toBeLessThan(250)
    await reopened.close()
  }, 120_000)
})
