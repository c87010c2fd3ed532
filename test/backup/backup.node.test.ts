import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BackupLockedError, InvalidBackupError, InvalidSignatureError, RestoreTargetNotEmptyError } from '../../src/errors.ts'
import { createBackup } from '../../relay/backup/create.ts'
import type { CreateBackupOptions } from '../../relay/backup/create.ts'
import { forgetSnapshots } from '../../relay/backup/forget.ts'
import { BackupRepository } from '../../relay/backup/repository.ts'
import { restoreBackup } from '../../relay/backup/restore.ts'
import { memberSigner } from '../../relay/backup/signer.ts'
import { openDataSource } from '../../relay/backup/sources.ts'
import { verifyBackup } from '../../relay/backup/verify.ts'
import { newestPolicy } from '../../relay/policy-files.ts'
import { holdingsOfData, initNetwork, seedRelayData } from './fixtures.ts'
import type { Network, Written } from './fixtures.ts'

const DAY = 86_400_000
let base: string
let network: Network
let data: string
let records: Written[]

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-backup-'))
  network = await initNetwork(join(base, 'net'))
  const [alice, bob] = [await network.writer(), await network.writer()]
  const v1 = await alice.write('ucxl://project1/versions.md', 'v1')
  const v2 = await alice.write('ucxl://project1/versions.md', 'v2', v1)
  const v3 = await bob.write('ucxl://project1/versions.md', 'v3', v2)
  // Written without seeing each other: concurrent, kept as siblings.
  const left = await alice.write('ucxl://project1/siblings.md', 'alice\'s')
  const right = await bob.write('ucxl://project1/siblings.md', 'bob\'s')
  const plain = await bob.write('ucxl://project1/plain.md', 'plain')
  records = [v1, v2, v3, left, right, plain]
  data = join(base, 'relay')
  await seedRelayData(data, network, records)
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

/** One backup of `from` (a stopped relay's data folder) into `dest`. */
async function backUp (dest: string, from: string, options: Partial<CreateBackupOptions> = {}) {
  const repo = await BackupRepository.create(dest, network.policy.network)
  const { source, close } = await openDataSource(from)
  try {
    return await createBackup({ repo, sources: [source], policy: await newestPolicy(network.dir), signer: await memberSigner(network.dir), ...options })
  } finally {
    await close()
  }
}

async function blobFiles (dest: string): Promise<string[]> {
  const names: string[] = []
  for (const folder of await readdir(join(dest, 'blobs'))) names.push(...await readdir(join(dest, 'blobs', folder)))
  return names.sort()
}

async function verify (dest: string, subset?: number) {
  return await verifyBackup({ repo: await BackupRepository.open(dest), rootPublicKey: network.root.publicKey, keyring: await network.dir.keyring(), ...(subset === undefined ? {} : { readDataSubset: subset }) })
}

describe('backup create and restore', () => {
  it('every key, held version, sibling and superseded version comes back in a fresh relay store', async () => {
    const dest = join(base, 'round-trip')
    const snapshot = await backUp(dest, data)
    // versions.md: v3 held, v1 and v2 history; siblings.md: two held; plain.md: one.
    expect(snapshot.stats).toMatchObject({ keys: 3, versions: 6, blobs: 7, newBlobs: 7 })
    expect(snapshot.encryptedTo.role).toBe('admin')
    const fresh = join(base, 'restored')
    const report = await restoreBackup({ repo: await BackupRepository.open(dest), keyring: await network.dir.keyring(), rootPublicKey: network.root.publicKey, policy: await newestPolicy(network.dir), data: fresh })
    expect(report).toMatchObject({ snapshot: snapshot.id, keys: 3, versions: 6, refused: {} })
    const [before, after] = [await holdingsOfData(data), await holdingsOfData(fresh)]
    expect(after).toEqual(before)
    expect([...after.values()].map(entry => [entry.versions.length, entry.history.length]).sort()).toEqual([[1, 0], [1, 2], [2, 0]])
    // The relay keeps the policy it restored with.
    expect(JSON.parse(await readFile(join(fresh, 'policy.json'), 'utf8')).policy.version).toBe(network.policy.version)
    // Restoring twice into the same store is refused unless merging (which changes nothing).
    await expect(restoreBackup({ repo: await BackupRepository.open(dest), keyring: await network.dir.keyring(), rootPublicKey: network.root.publicKey, policy: await newestPolicy(network.dir), data: fresh }))
      .rejects.toBeInstanceOf(RestoreTargetNotEmptyError)
    await restoreBackup({ repo: await BackupRepository.open(dest), keyring: await network.dir.keyring(), rootPublicKey: network.root.publicKey, policy: await newestPolicy(network.dir), data: fresh, merge: true })
    expect(await holdingsOfData(fresh)).toEqual(before)
  })

  it('a later backup writes only the blobs the folder lacks', async () => {
    const dest = join(base, 'incremental')
    const first = await backUp(dest, data)
    const blobsBefore = await blobFiles(dest)
    expect(first.stats.newBlobs).toBe(blobsBefore.length)
    const unchanged = await backUp(dest, data)
    expect(unchanged.stats).toMatchObject({ newBlobs: 0, newBytes: 0, blobs: first.stats.blobs })
    // One more record on the relay: one more blob, nothing else rewritten.
    const more = join(base, 'relay-more')
    await cp(data, more, { recursive: true })
    const added = await (await network.writer()).write('ucxl://project1/new.md', 'new')
    await seedRelayData(more, network, [added])
    const next = await backUp(dest, more)
    expect(next.stats).toMatchObject({ keys: 4, newBlobs: 1, newBytes: added.bytes.length })
    const blobsAfter = await blobFiles(dest)
    expect(blobsAfter.filter(name => !blobsBefore.includes(name))).toHaveLength(1)
    expect((await BackupRepository.open(dest).then(async repo => await repo.snapshots())).map(file => file.id)).toEqual([first.id, unchanged.id, next.id])
  })

  it('a second writer waits its turn: the folder is locked', async () => {
    const dest = join(base, 'locked')
    const repo = await BackupRepository.create(dest, network.policy.network)
    const release = await repo.lock('test')
    await expect(backUp(dest, data)).rejects.toBeInstanceOf(BackupLockedError)
    await release()
    await backUp(dest, data)
  })
})

describe('backup verify', () => {
  let dest: string
  beforeAll(async () => {
    dest = join(base, 'verified')
    await backUp(dest, data)
  })

  it('passes a sound backup, decrypting every record of a 100% subset', async () => {
    const report = await verify(dest, 1)
    expect(report).toMatchObject({ snapshots: 1, blobs: 7, records: 6, manifests: 1, sampled: 6, decrypted: 6, problems: [] })
    expect((await verify(dest, 0.34)).sampled).toBe(3)
  })

  it('finds a flipped byte in a blob', async () => {
    const [blob] = (await blobFiles(dest)).slice(-1)
    const path = join(dest, 'blobs', (blob as string).slice(0, 2), blob as string)
    const original = await readFile(path)
    const flipped = Buffer.from(original)
    flipped[Math.floor(flipped.length / 2)] = (flipped[Math.floor(flipped.length / 2)] as number) ^ 0x01
    await writeFile(path, flipped)
    try {
      const report = await verify(dest)
      expect(report.problems).toEqual([expect.stringContaining(`blob ${blob as string} does not match its SHA-256`)])
    } finally {
      await writeFile(path, original)
    }
    expect((await verify(dest)).problems).toEqual([])
  })

  it('finds a tampered snapshot: a changed header or a swapped manifest breaks its signature, and restore refuses it', async () => {
    const repo = await BackupRepository.open(dest)
    const [snapshot] = await repo.snapshots()
    const path = join(dest, 'snapshots', `${snapshot?.id as string}.json`)
    const original = await readFile(path, 'utf8')
    const other = await backUp(join(base, 'other'), data)
    try {
      for (const tampered of [
        { ...JSON.parse(original), stats: { ...JSON.parse(original).stats, keys: 99 } },
        { ...JSON.parse(original), manifest: other.manifest }
      ]) {
        await writeFile(path, JSON.stringify(tampered))
        const report = await verify(dest)
        expect(report.problems.some(problem => /signature does not verify/.test(problem))).toBe(true)
        await expect(restoreBackup({ repo, keyring: await network.dir.keyring(), rootPublicKey: network.root.publicKey, policy: await newestPolicy(network.dir), data: join(base, 'never') }))
          .rejects.toBeInstanceOf(InvalidSignatureError)
      }
    } finally {
      await writeFile(path, original)
    }
    expect((await verify(dest)).problems).toEqual([])
  })
})

describe('backup forget', () => {
  it('keeps the newest snapshot of each day asked for, by an injected clock, and prunes blobs only the others held', async () => {
    const dest = join(base, 'retention')
    // Tomorrow 02:00 UTC on: snapshots are signed by a member whose certificate starts today.
    const start = Math.floor(Date.now() / DAY) * DAY + DAY + 2 * 3_600_000
    const other = join(base, 'relay-other')
    await seedRelayData(other, network, [await (await network.writer()).write('ucxl://project1/only-early.md', 'early')])
    // Day 0: a backup of the other relay (its record exists nowhere else), then days 1..4 of the main one, twice a day.
    const early = await backUp(dest, other, { now: () => start })
    const made = [early]
    for (let day = 1; day <= 4; day++) {
      for (const hour of [2, 14]) made.push(await backUp(dest, data, { now: () => start + day * DAY + (hour - 2) * 3_600_000 }))
    }
    const onlyEarly = early.blobs.filter(hash => !made.slice(1).some(file => file.blobs.includes(hash)))
    expect(onlyEarly.length).toBeGreaterThan(0)
    const repo = await BackupRepository.open(dest)

    const dry = await forgetSnapshots({ repo, rootPublicKey: network.root.publicKey, policy: { daily: 3 }, dryRun: true })
    expect((await repo.snapshots()).length).toBe(9)
    const report = await forgetSnapshots({ repo, rootPublicKey: network.root.publicKey, policy: { daily: 3 } })
    expect(report.kept).toEqual(dry.kept)
    // The 14:00 snapshot of days 4, 3 and 2.
    expect(report.kept.map(kept => kept.createdAt)).toEqual([4, 3, 2].map(day => new Date(start + day * DAY + 12 * 3_600_000).toISOString()))
    expect(report.removed).toHaveLength(6)
    expect(report.prunedBlobs).toBe(onlyEarly.length)
    const left = await blobFiles(dest)
    for (const hash of onlyEarly) expect(left).not.toContain(hash)
    expect((await verify(dest)).problems).toEqual([])
    // Forgetting again changes nothing.
    const again = await forgetSnapshots({ repo, rootPublicKey: network.root.publicKey, policy: { daily: 3 } })
    expect(again).toMatchObject({ removed: [], prunedBlobs: 0 })
    expect(again.kept).toEqual(report.kept)
  })

  it('removes nothing when a header was edited: its dates and blob list decide what is deleted', async () => {
    const dest = join(base, 'forged')
    // Within the member certificate's validity (it starts today), so both are signed as they should be.
    const first = await backUp(dest, data, { now: () => Date.now() + 3_600_000 })
    await backUp(dest, data, { now: () => Date.now() + 2 * 3_600_000 })
    expect((await verify(dest)).problems).toEqual([])
    const repo = await BackupRepository.open(dest)
    const path = join(dest, 'snapshots', `${first.id}.json`)
    const original = await readFile(path, 'utf8')
    // Made the newest, so retention would keep it alone, and holding no blobs, so every blob would be pruned.
    await writeFile(path, JSON.stringify({ ...JSON.parse(original), createdAt: new Date(Date.now() + DAY).toISOString(), blobs: [] }))
    const blobsBefore = await blobFiles(dest)
    await expect(forgetSnapshots({ repo, rootPublicKey: network.root.publicKey, policy: { last: 1 } })).rejects.toBeInstanceOf(InvalidBackupError)
    expect((await repo.snapshots()).length).toBe(2)
    expect(await blobFiles(dest)).toEqual(blobsBefore)
  })
})
