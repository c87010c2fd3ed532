import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { holdingsOfData, initNetwork, seedRelayData, slurp } from './fixtures.ts'
import type { Network } from './fixtures.ts'

// `slurp backup …` as a user runs it (runCli in this process): a stopped
// relay's data folder backed up, listed, verified, restored and forgotten.
let base: string
let network: Network
let net: string
let data: string
let dest: string

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-backup-cli-'))
  net = join(base, 'net')
  network = await initNetwork(net)
  const [alice, bob] = [await network.writer(), await network.writer()]
  const first = await alice.write('ucxl://cli/notes.md', 'first')
  data = join(base, 'relay')
  dest = join(base, 'backups')
  await seedRelayData(data, network, [
    first,
    await bob.write('ucxl://cli/notes.md', 'second', first),
    await alice.write('ucxl://cli/both.md', 'alice'),
    await bob.write('ucxl://cli/both.md', 'bob')
  ])
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

describe('slurp backup', () => {
  it('create writes a snapshot of a stopped relay and says what it wrote; a second one only what is new', async () => {
    const first = await slurp(['backup', 'create', '--dest', dest, '--data', data, '--dir', net])
    expect(first.code).toBe(0)
    expect(first.json()).toMatchObject({ keys: 2, versions: 4, blobs: 5, newBlobs: 5, encryptedTo: 'admin', policyVersion: network.policy.version })
    // Progress on stderr: done/total keys per relay.
    expect(first.stderr).toMatch(/^backup \S+: 0\/2 \(0%\)/m)
    expect(first.stderr).toMatch(/^backup \S+: 2\/2 \(100%\)/m)
    const second = await slurp(['backup', 'create', '--dest', dest, '--data', data, '--dir', net])
    expect(second.json()).toMatchObject({ keys: 2, newBlobs: 0, newBytes: 0 })
    expect((await readdir(join(dest, 'snapshots'))).length).toBe(2)
  })

  it('list shows each snapshot with its time, keys, versions, new blobs and sizes', async () => {
    const listed = await slurp(['backup', 'list', '--dest', dest])
    expect(listed.code).toBe(0)
    const lines = listed.stdout.trim().split('\n')
    expect(lines[0]).toMatch(/^ID\s+TIME \(UTC\)\s+KEYS\s+VERSIONS\s+NEW BLOBS\s+NEW SIZE\s+SIZE$/)
    expect(lines[1]).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{8}\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+2\s+4\s+5\s+[\d.]+ KiB\s+[\d.]+ KiB$/)
    expect(lines[2]).toMatch(/\s2\s+4\s+0\s+0 B\s+[\d.]+ KiB$/)
    expect(lines.at(-1)).toBe('2 snapshots')
    const json = (await slurp(['backup', 'list', '--dest', dest, '--json'])).json()
    expect(json.map((entry: { newBlobs: number }) => entry.newBlobs)).toEqual([5, 0])
  })

  it('verify passes a sound backup and decrypts the subset asked for; a flipped byte fails it by name', async () => {
    const sound = await slurp(['backup', 'verify', '--dest', dest, '--read-data-subset', '100%', '--dir', net])
    expect(sound.code).toBe(0)
    expect(sound.json()).toMatchObject({ ok: true, snapshots: 2, blobs: 5, records: 4, manifests: 2, sampled: 4, decrypted: 4, problems: [] })
    const folder = (await readdir(join(dest, 'blobs')))[0] as string
    const blob = join(dest, 'blobs', folder, (await readdir(join(dest, 'blobs', folder)))[0] as string)
    const original = await readFile(blob)
    const flipped = Buffer.from(original)
    flipped[10] = (flipped[10] as number) ^ 0xff
    await writeFile(blob, flipped)
    try {
      const broken = await slurp(['backup', 'verify', '--dest', dest, '--dir', net])
      expect(broken.code).toBe(1)
      expect(broken.json().ok).toBe(false)
      expect(broken.stderr).toMatch(/^slurp backup: BackupIntegrityError: \d+ problem\(s\):\n {2}snapshot \S+: (its policy: )?blob [0-9a-f]{64} does not match its SHA-256/m)
    } finally {
      await writeFile(blob, original)
    }
  })

  it('restore fills a fresh relay data folder with what the relay held, and refuses one that holds records', async () => {
    const fresh = join(base, 'fresh')
    const restored = await slurp(['backup', 'restore', '--from', dest, '--data', fresh, '--dir', net])
    expect(restored.code).toBe(0)
    expect(restored.json()).toMatchObject({ keys: 2, versions: 4, refused: {} })
    expect(await holdingsOfData(fresh)).toEqual(await holdingsOfData(data))
    const again = await slurp(['backup', 'restore', '--from', dest, '--data', fresh, '--dir', net])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/RestoreTargetNotEmptyError: .* already holds records .* pass --merge/)
  })

  it('forget keeps what the policy says and prunes; bad input is named', async () => {
    const forgot = await slurp(['backup', 'forget', '--dest', dest, '--dir', net, '--keep-last', '1'])
    expect(forgot.code).toBe(0)
    expect(forgot.json()).toMatchObject({ removed: [{}], prunedBlobs: 0 })
    expect(forgot.json().kept[0].reasons).toEqual(['last'])

    const cases: Array<[string[], number, RegExp]> = [
      [['backup'], 2, /backup takes one of create, list, verify, restore, forget/],
      [['backup', 'list'], 2, /needs --dest DIR/],
      [['backup', 'list', '--dest', join(base, 'nothing')], 3, /not a slurp backup folder/],
      [['backup', 'forget', '--dest', dest, '--dir', net], 2, /forget needs a policy/],
      [['backup', 'forget', '--dest', dest, '--dir', net, '--keep-daily', 'many'], 2, /--keep-daily takes a whole number/],
      [['backup', 'verify', '--dest', dest, '--read-data-subset', '0%', '--dir', net], 2, /percentage in \(0, 100\]/],
      [['backup', 'create', '--dest', dest, '--data', data, '--role', 'nobody', '--dir', net], 5, /UnknownRoleError: policy version \d+ has no role "nobody"/],
      [['backup', 'create', '--dest', dest, '--data', join(base, 'no-relay'), '--dir', net], 3, /no relay records at/],
      [['backup', 'restore', '--from', dest, '--dir', net], 2, /restore needs one --data/]
    ]
    const help = await slurp(['backup', '--help'])
    expect(help.stdout).toMatch(/^usage: slurp backup create --dest DIR/)
    for (const action of ['list', 'verify', 'restore', 'forget']) expect(help.stdout).toContain(`slurp backup ${action} `)
    expect((await slurp(['relay', '--help'])).stdout).toMatch(/--backup-schedule CRON --backup-dest DIR/)
    for (const [args, code, message] of cases) {
      const run = await slurp(args)
      expect(run.stderr).toMatch(message)
      expect(run.code).toBe(code)
    }
  })
})
