import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRelayBackup } from '../../relay/backup/relay-backups.ts'
import { readRelayHoldings } from '../../relay/backup/read-protocol.ts'
import { BackupRepository } from '../../relay/backup/repository.ts'
import { openManifest } from '../../relay/backup/snapshot.ts'
import { verifyBackup } from '../../relay/backup/verify.ts'
import { loadOrCreateNodeKey } from '../../relay/node-identity.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { AccessDeniedError, UnknownRoleError } from '../../src/errors.ts'
import { relayRoster } from '../../src/net/relay-roster.ts'
import { eventually } from '../helpers/mesh.ts'
import { holdingsOf, initNetwork, slurp } from './fixtures.ts'
import type { Network, Written } from './fixtures.ts'

// The CI restore drill: real relays (LevelDB, libp2p on loopback) hold
// records with several versions and concurrent siblings; a backup through
// the mesh; every relay stopped and its disk wiped; restored into fresh data
// folders; started again: every key, version and sibling is back.
let base: string
let network: Network
let relays: RunningRelay[] = []

async function startRelays (folders: string[]): Promise<RunningRelay[]> {
  const started: RunningRelay[] = []
  for (const data of folders) {
    started.push(await startRelayServer({ dir: network.dir, listen: ['/ip4/127.0.0.1/tcp/0'], data, bootstrap: started.slice(0, 1).map(r => r.multiaddrs[0] as string) }))
  }
  // Each relay counts the others as certified relays before anyone reads the mesh.
  await eventually(() => {
    for (const relay of started) expect(relayRoster(relay.relay.libp2p)?.certified().length).toBeGreaterThanOrEqual(started.length - 1)
  }, 20_000)
  return started
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-drill-'))
  network = await initNetwork(join(base, 'net'))
}, 60_000)
afterAll(async () => {
  await Promise.all(relays.map(async relay => await relay.stop()))
  await rm(base, { recursive: true, force: true })
})

describe('restore drill', () => {
  it('back up three relays through the mesh, wipe them, restore each into a fresh data folder: every key, version and sibling is back', async () => {
    relays = await startRelays([0, 1, 2].map(i => join(base, `relay-${i}`)))
    const [alice, bob, carol] = [await network.writer(), await network.writer(), await network.writer()]
    const written: Written[] = []
    for (let i = 0; i < 8; i++) written.push(await alice.write(`ucxl://drill/file-${i}.md`, `file ${i}`))
    const v1 = await alice.write('ucxl://drill/versions.md', 'v1')
    const v2 = await bob.write('ucxl://drill/versions.md', 'v2', v1)
    const v3 = await alice.write('ucxl://drill/versions.md', 'v3', v2)
    written.push(v1, v2, v3)
    // Three writers who never saw each other's version: three siblings.
    for (const writer of [alice, bob, carol]) written.push(await writer.write('ucxl://drill/conflict.md', 'mine'))
    // Every relay takes every record, as a peer writing to k = 3 relays makes them.
    for (const relay of relays) for (const record of written) await relay.relay.keeper.put(record.key, record.bytes)

    const before = await holdingsOf(relays[0]?.relay.keeper as RunningRelay['relay']['keeper'])
    for (const relay of relays.slice(1)) expect(await holdingsOf(relay.relay.keeper)).toEqual(before)
    expect(before.size).toBe(10)
    const shapes = [...before.values()].map(entry => `${entry.versions.length}+${entry.history.length}`)
    expect(shapes.filter(shape => shape === '3+0')).toHaveLength(1)
    expect(shapes.filter(shape => shape === '1+2')).toHaveLength(1)

    // Through the mesh: one relay to start from, the others found from it.
    const dest = join(base, 'backup')
    const created = await slurp(['backup', 'create', '--dest', dest, '--dir', network.dir.path, '--bootstrap', relays[0]?.multiaddrs[0] as string])
    expect(created.stderr).toMatch(/backup \S+: 10\/10/)
    expect(created.code).toBe(0)
    expect(created.json()).toMatchObject({ keys: 10, versions: 14, blobs: 15, newBlobs: 15, encryptedTo: 'admin' })
    const repo = await BackupRepository.open(dest)
    const manifest = await openManifest(await repo.snapshot(), await network.dir.keyring())
    expect(manifest.sources.map(source => source.peerId).sort()).toEqual(relays.map(relay => relay.peerId).sort())
    expect(manifest.sources.every(source => source.kind === 'mesh' && source.keys === 10)).toBe(true)

    // Lose every disk.
    await Promise.all(relays.map(async relay => await relay.stop()))
    relays = []
    await Promise.all([0, 1, 2].map(async i => { await rm(join(base, `relay-${i}`), { recursive: true, force: true }) }))

    const fresh = [0, 1, 2].map(i => join(base, `fresh-${i}`))
    for (const data of fresh) {
      const restored = await slurp(['backup', 'restore', '--from', dest, '--data', data, '--dir', network.dir.path])
      expect(restored.stderr).not.toMatch(/refused/)
      expect(restored.code).toBe(0)
      expect(restored.json()).toMatchObject({ keys: 10, versions: 14, refused: {} })
    }
    relays = await startRelays(fresh)
    for (const relay of relays) expect(await holdingsOf(relay.relay.keeper)).toEqual(before)
    // A reader gets the same: the restored sibling set is the one written.
    const conflict = written.at(-1) as Written
    for (const relay of relays) expect((await relay.relay.keeper.get(conflict.key)).length).toBe(3)
  }, 120_000)

  it('a relay backs itself up while it takes writes: the snapshot is one moment of its store', async () => {
    const relay = relays[0] as RunningRelay
    const writer = await network.writer()
    const records: Written[] = []
    for (let i = 0; i < 40; i++) records.push(await writer.write(`ucxl://drill/live/${String(i).padStart(2, '0')}-${Math.random().toString(36).slice(2, 6)}`, `live ${i}`))
    const dest = join(base, 'scheduled')
    let tenth!: () => void
    const tenWritten = new Promise<void>(resolve => { tenth = resolve })
    const writes = (async () => {
      for (const [i, record] of records.entries()) {
        await relay.relay.keeper.put(record.key, record.bytes)
        if (i === 9) tenth()
      }
    })()
    await tenWritten
    const { snapshot } = await runRelayBackup({ relay: relay.relay, privateKey: await loadOrCreateNodeKey(join(base, 'fresh-0', 'node.key')), dest })
    await writes
    expect(snapshot.signer.kind).toBe('relay')
    const manifest = await openManifest(snapshot, await network.dir.keyring())
    const held = new Set(manifest.records.map(record => record.key))
    // Writes went in one after another: a consistent view holds the first N of them, for some N, and none after.
    const n = records.findIndex(record => !held.has(record.key))
    const taken = n === -1 ? records.length : n
    expect(taken).toBeGreaterThanOrEqual(10)
    expect(records.slice(taken).some(record => held.has(record.key))).toBe(false)
    expect(manifest.records.length).toBe(10 + taken)
    const report = await verifyBackup({ repo: await BackupRepository.open(dest), rootPublicKey: network.root.publicKey, keyring: await network.dir.keyring(), readDataSubset: 1 })
    expect(report.problems).toEqual([])
    expect(report.decrypted).toBe(14 + taken)
  }, 60_000)

  it('a relay hands its holdings only to a member with the admin (master) or backup role', async () => {
    const [asking, asked] = [relays[1] as RunningRelay, relays[0] as RunningRelay]
    const read = async (roles: string[]): Promise<number> => {
      const member = await network.writer(roles)
      let count = 0
      for await (const held of readRelayHoldings(asking.relay.libp2p, asked.relay.libp2p.peerId, member)) if (!held.superseded) count++
      return count
    }
    await expect(read(['backend_developer'])).rejects.toThrow(AccessDeniedError)
    await expect(read(['backend_developer'])).rejects.toThrow(/master authority or the "backup" role/)
    expect(await read(['admin'])).toBe(await asked.relay.keeper.count())
  }, 30_000)

  it('a relay started with a backup schedule checks the backup role at start, and stops cleanly', async () => {
    const schedule = { cron: '0 2 * * *', dest: join(base, 'nightly') }
    const start = async (data: string, role?: string): Promise<RunningRelay> => await startRelayServer({
      dir: network.dir, listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, data), bootstrap: [], backup: { ...schedule, ...(role === undefined ? {} : { role }) }
    })
    await expect(start('scheduled-bad', 'nobody')).rejects.toThrow(UnknownRoleError)
    const relay = await start('scheduled')
    await relay.stop()
  }, 30_000)
})
