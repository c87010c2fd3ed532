import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerId } from '@libp2p/interface'
import { BackupIntegrityError, UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, CommandIO, ParsedArgs } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { newestPolicy } from '../policy-files.ts'
import { ProgressReporter, progressMode } from '../progress.ts'
import { createBackup } from '../backup/create.ts'
import type { BackupProgress } from '../backup/create.ts'
import { forgetSnapshots } from '../backup/forget.ts'
import { meshRelays } from '../backup/mesh-relays.ts'
import { BackupRepository } from '../backup/repository.ts'
import { restoreBackup } from '../backup/restore.ts'
import { RETENTION_RULES, parseKeep } from '../backup/retention.ts'
import type { RetentionPolicy } from '../backup/retention.ts'
import { memberSigner } from '../backup/signer.ts'
import type { SnapshotFile } from '../backup/snapshot.ts'
import { meshSource, openDataSource } from '../backup/sources.ts'
import type { HoldingsSource } from '../backup/sources.ts'
import { verifyBackup } from '../backup/verify.ts'

const ACTIONS = ['create', 'list', 'verify', 'restore', 'forget'] as const

export const backup: Command = {
  name: 'backup',
  summary: 'encrypted, incremental backups of what relays hold: create, list, verify, restore, forget',
  usage: [
    'slurp backup create --dest DIR [--data RELAYDATA]... [--relay MA]... [--role ROLE] [--json] [--dir .slurp] [--bootstrap MA]...',
    '       slurp backup list --dest DIR [--json]',
    '       slurp backup verify --dest DIR [--snapshot ID] [--read-data-subset N%] [--dir .slurp]',
    '       slurp backup restore --from DIR [--snapshot ID] --data NEWRELAYDATA [--merge] [--dir .slurp]',
    '       slurp backup forget --dest DIR [--dir .slurp] [--keep-last N] [--keep-hourly N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N] [--dry-run]'
  ].join('\n'),
  details: [
    'create: every record version a relay holds (sibling sets and superseded versions) becomes a blob',
    'named by its SHA-256 (DIR/blobs/ab/abcd…); only blobs DIR lacks are written. A snapshot',
    '(DIR/snapshots/ID.json) lists them; its manifest (keys, versions, policy) is age-encrypted',
    'to --role (default: "backup" if the policy has it, else "admin") and the snapshot is signed',
    'with your member key. Reads --data (a stopped relay\'s data folder, e.g. .slurp/relay), or',
    'through the mesh every relay reachable from --bootstrap (or the local relays), or only',
    'the --relay MULTIADDR(s) (with /p2p/ID): a mesh read needs a certificate with the admin',
    '(master) or "backup" role. Progress on stderr; a summary on stdout.',
    'list: snapshots with their time, keys, versions, new blobs and sizes.',
    'verify: each snapshot\'s signature, every blob\'s SHA-256, every record\'s signature; with',
    'role keys in --dir, each manifest against its blobs; --read-data-subset N% decrypts that',
    'share of the records with those keys. Exit 1 (ERR_BACKUP_INTEGRITY) naming each problem.',
    'restore: a snapshot (default the latest) into a stopped relay\'s data folder, validated',
    'record by record; the folder must hold no records unless --merge. Start the relay on it.',
    'forget: restic\'s rules in UTC (the newest snapshot of each of the last N hours, days, ISO',
    'weeks, months, years; "unlimited" for all), then prunes blobs no kept snapshot needs. It first',
    'checks every snapshot\'s signature against the root in --dir: an edited header stops it, nothing removed.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...MESH_OPTIONS,
    dest: { type: 'string' },
    from: { type: 'string' },
    data: { type: 'string', multiple: true },
    relay: { type: 'string', multiple: true },
    role: { type: 'string' },
    snapshot: { type: 'string' },
    'read-data-subset': { type: 'string' },
    merge: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
    ...Object.fromEntries(RETENTION_RULES.map(rule => [`keep-${rule}`, { type: 'string' as const }]))
  },
  allowPositionals: true,
  async run (args, io) {
    const [action, ...extra] = args.positionals
    if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) throw new UsageError(`backup takes one of ${ACTIONS.join(', ')}`)
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const folder = (args.values.dest ?? args.values.from) as string | undefined
    if (folder === undefined) throw new UsageError(`backup ${action} needs ${action === 'restore' ? '--from' : '--dest'} DIR (the backup folder)`)
    if (action === 'create') await create(args, io, folder)
    else if (action === 'list') list(io, await (await BackupRepository.open(folder)).snapshots(), args.values.json === true)
    else if (action === 'verify') await verify(args, io, folder)
    else if (action === 'restore') await restore(args, io, folder)
    else await forget(args, io, folder)
  }
}

async function create (args: ParsedArgs, io: CommandIO, folder: string): Promise<void> {
  const dir = new NetworkDir(dirFrom(args, io))
  const data = args.values.data as string[] | undefined
  const relays = args.values.relay as string[] | undefined
  if (data !== undefined && relays !== undefined) throw new UsageError('back up either --data folders (stopped relays) or running relays (--relay, --bootstrap), not both')
  const { network } = await dir.readNetwork()
  const kept = (data ?? []).map(path => join(path, 'policy.json'))
  const policy = await newestPolicy(dir, kept)
  const repo = await BackupRepository.create(folder, network.network)
  const signer = await memberSigner(dir)
  const progress = reporterFor(io, args.values.json === true)
  const interrupt = io.interrupt?.()
  const run = async (sources: HoldingsSource[]): Promise<SnapshotFile> => await createBackup({
    repo,
    sources,
    policy,
    ...(args.values.role === undefined ? {} : { role: args.values.role as string }),
    signer,
    onProgress: progress,
    ...(interrupt === undefined ? {} : { signal: interrupt })
  })
  let file: SnapshotFile
  if (data !== undefined) {
    const opened = []
    try {
      for (const path of data) opened.push(await openDataSource(path))
      file = await run(opened.map(entry => entry.source))
    } finally {
      for (const entry of opened) await entry.close()
    }
  } else {
    const wanted = relays?.map(peerOf)
    const bootstrap = relays ?? bootstrapFrom(args, io)
    file = await withPeer(dir, bootstrap, async peer => {
      const targets = wanted ?? await meshRelays(peer.libp2p)
      if (targets.length === 0) throw new UsageError('no certified relays found to back up')
      const member = await dir.readMember()
      return await run(targets.map(relay => meshSource(peer.libp2p, relay, member)))
    })
  }
  printJson(io, summaryOf(file))
}

function peerOf (address: string): PeerId {
  let id: string | undefined
  try {
    id = multiaddr(address).getComponents().findLast(component => component.name === 'p2p')?.value
  } catch (cause) {
    throw new UsageError(`--relay takes a multiaddr, not "${address}"`, { cause })
  }
  if (id === undefined) throw new UsageError(`--relay ${address} names no peer: give the relay's address with /p2p/PEER_ID (as its ready line prints it)`)
  return peerIdFromString(id)
}

/** One progress line per source, done/total keys, on stderr. */
function reporterFor (io: CommandIO, json: boolean): (progress: BackupProgress) => void {
  const reporters = new Map<string, ProgressReporter>()
  return progress => {
    let reporter = reporters.get(progress.source)
    if (reporter === undefined) {
      reporter = new ProgressReporter({ label: `backup ${progress.source.slice(-8)}`, mode: progressMode(io, json), write: text => { io.stderr(text) } })
      reporters.set(progress.source, reporter)
    }
    if (progress.phase === 'start') reporter.start(progress.total, { source: progress.source })
    else if (progress.phase === 'progress') reporter.update({ done: progress.done, failed: 0 })
    else reporter.finish({ done: progress.done, failed: 0 }, { newBlobs: progress.newBlobs })
  }
}

function summaryOf (file: SnapshotFile): Record<string, unknown> {
  return { snapshot: file.id, createdAt: file.createdAt, policyVersion: file.policyVersion, encryptedTo: file.encryptedTo.role, ...file.stats }
}

function list (io: CommandIO, files: SnapshotFile[], json: boolean): void {
  if (json) {
    printJson(io, files.map(summaryOf))
    return
  }
  const rows = [['ID', 'TIME (UTC)', 'KEYS', 'VERSIONS', 'NEW BLOBS', 'NEW SIZE', 'SIZE'],
    ...files.map(file => [file.id, file.createdAt.replace('T', ' ').replace(/\.\d+Z$/, ''), String(file.stats.keys), String(file.stats.versions), String(file.stats.newBlobs), size(file.stats.newBytes), size(file.stats.bytes)])]
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map(row => row[i]?.length ?? 0))) ?? []
  for (const row of rows) io.stdout(`${row.map((cell, i) => i >= 2 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()}\n`)
  io.stdout(`${files.length} snapshot${files.length === 1 ? '' : 's'}\n`)
}

function size (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++ }
  return `${value.toFixed(1)} ${units[unit] as string}`
}

async function verify (args: ParsedArgs, io: CommandIO, folder: string): Promise<void> {
  const dir = new NetworkDir(dirFrom(args, io))
  const { rootPublicKey } = await dir.readNetwork()
  const subset = subsetOf(args.values['read-data-subset'] as string | undefined)
  const keyring = (await dir.heldRoles()).length > 0 ? await dir.keyring() : undefined
  if (subset !== undefined && keyring === undefined) throw new UsageError(`--read-data-subset decrypts records: ${dir.path} holds no role keys`)
  const reporter = new ProgressReporter({ label: 'backup verify', mode: progressMode(io, false), write: text => { io.stderr(text) } })
  let started = false
  const report = await verifyBackup({
    repo: await BackupRepository.open(folder),
    rootPublicKey,
    ...(keyring === undefined ? {} : { keyring }),
    ...(args.values.snapshot === undefined ? {} : { snapshot: args.values.snapshot as string }),
    ...(subset === undefined ? {} : { readDataSubset: subset }),
    onProgress: (done, total) => {
      if (!started) { reporter.start(total); started = true }
      reporter.update({ done, failed: 0 })
    }
  })
  if (started) reporter.finish({ done: report.blobs, failed: 0 })
  printJson(io, { ok: report.problems.length === 0, ...report })
  if (report.problems.length > 0) {
    throw new BackupIntegrityError(`${report.problems.length} problem(s):\n${report.problems.map(problem => `  ${problem}`).join('\n')}`, report.problems)
  }
}

/** "10%", "10" (percent) or "100%": a fraction in (0, 1]. */
function subsetOf (value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const percent = Number(value.trim().replace(/%$/, ''))
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) throw new UsageError(`--read-data-subset takes a percentage in (0, 100], e.g. 10%, not "${value}"`)
  return percent / 100
}

async function restore (args: ParsedArgs, io: CommandIO, folder: string): Promise<void> {
  const data = args.values.data as string[] | undefined
  if (data === undefined || data.length !== 1) throw new UsageError('restore needs one --data NEWRELAYDATA (the data folder of the relay to restore into)')
  const dir = new NetworkDir(dirFrom(args, io))
  const { rootPublicKey } = await dir.readNetwork()
  const reporter = new ProgressReporter({ label: 'backup restore', mode: progressMode(io, args.values.json === true), write: text => { io.stderr(text) } })
  let started = false
  const report = await restoreBackup({
    repo: await BackupRepository.open(folder),
    ...(args.values.snapshot === undefined ? {} : { snapshot: args.values.snapshot as string }),
    keyring: await dir.keyring(),
    rootPublicKey,
    policy: await newestPolicy(dir),
    data: data[0] as string,
    merge: args.values.merge === true,
    onProgress: (done, total) => {
      if (!started) { reporter.start(total); started = true }
      reporter.update({ done, failed: 0 })
    }
  })
  if (started) reporter.finish({ done: report.keys, failed: 0 })
  const refused = Object.values(report.refused).reduce((sum, n) => sum + n, 0)
  if (refused > 0) io.stderr(`slurp backup restore: the relay's validator refused ${refused} version(s): ${JSON.stringify(report.refused)}\n`)
  printJson(io, report)
}

async function forget (args: ParsedArgs, io: CommandIO, folder: string): Promise<void> {
  const policy: Record<string, number> = {}
  for (const rule of RETENTION_RULES) {
    const value = args.values[`keep-${rule}`] as string | undefined
    if (value !== undefined) policy[rule] = parseKeep(value, `--keep-${rule}`)
  }
  const { rootPublicKey } = await new NetworkDir(dirFrom(args, io)).readNetwork()
  const report = await forgetSnapshots({ repo: await BackupRepository.open(folder), rootPublicKey, policy: policy as RetentionPolicy, dryRun: args.values['dry-run'] === true })
  printJson(io, report)
}
