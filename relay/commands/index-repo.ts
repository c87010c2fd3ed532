import { readFile } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { AbortError, BinarySourceError, IncompleteBatchError, UsageError } from '../../src/errors.ts'
import { sourceText } from '../../src/leader/requests.ts'
import { MAX_SOURCE_LENGTH } from '../../src/raft/queue-commands.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { requestGenerations } from '../generation-batch.ts'
import type { GenerationItem } from '../generation-batch.ts'
import { DEFAULT_GENERATOR_VERSION } from '../generator-choice.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { ProgressReporter, progressMode } from '../progress.ts'
import { repoFiles } from '../repo-files.ts'
import { VOTER_HELP, VOTER_OPTIONS, votersClient } from '../voters-from-dir.ts'
import { priorityFrom } from './generate.ts'

export const indexRepo: Command = {
  name: 'index',
  summary: 'ask the leader to generate context for every file and folder of a repository, with progress; Ctrl-C and run it again to resume',
  usage: 'slurp index DIR --as ROLE [--project P] [--priority P] [--concurrency N] [--json] [--dir .slurp] [--voter MA]... [--bootstrap MA]...',
  details: [
    'Walks the files git tracks under DIR (outside git: every file no .gitignore ignores), skips',
    'binary files and files over 256 KiB, and requests context for each file at',
    'ucxl://PROJECT/PATH (PATH relative to DIR; --project defaults to DIR\'s name) and for each',
    'folder, summarised from what it holds once that is done. Requests are signed by your member',
    'key, for ROLE (you must hold it), and acknowledged once a majority of voters has them.',
    'Progress goes to stderr (done/total, rate, ETA; plain lines when stderr is not a terminal or',
    'under CI or NO_COLOR; --json: NDJSON). Request ids follow from each file\'s content, so running',
    'it again after Ctrl-C, or after files changed, asks only for what is not generated yet.',
    'Prints a summary as JSON.',
    VOTER_HELP
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, ...VOTER_OPTIONS, as: { type: 'string' }, project: { type: 'string' }, priority: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [root, ...extra] = args.positionals
    if (root === undefined) throw new UsageError('index needs a DIR')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const role = args.values.as as string | undefined
    if (role === undefined) throw new UsageError('index needs --as ROLE (the role the context is for)')
    const project = (args.values.project as string | undefined) ?? basename(resolve(root))
    const priority = priorityFrom(args.values.priority)
    const concurrency = positiveInt(args.values.concurrency, '--concurrency', 16)
    const interrupt = io.interrupt?.()

    const { files, source } = await repoFiles(root, interrupt === undefined ? {} : { signal: interrupt })
    const skipped: Array<{ path: string, reason: string }> = []
    const items: GenerationItem[] = []
    const folders = new Map<string, Set<string>>()
    for (const file of files) {
      if (file.size > MAX_SOURCE_LENGTH) {
        skipped.push({ path: file.path, reason: `over ${MAX_SOURCE_LENGTH / 1024} KiB` })
        continue
      }
      const bytes = await readFile(join(root, file.path))
      try {
        sourceText(bytes, file.path)
      } catch (error) {
        if (!(error instanceof BinarySourceError)) throw error
        skipped.push({ path: file.path, reason: 'binary' })
        continue
      }
      const address = `ucxl://${project}/${file.path}`
      items.push({ kind: 'file', address, bytes })
      noteFolders(folders, project, file.path, address)
    }
    for (const [address, children] of folders) items.push({ kind: 'directory', address, children: [...children].sort() })

    const dir = new NetworkDir(dirFrom(args, io))
    const reporter = new ProgressReporter({ label: 'index', mode: progressMode(io, args.values.json === true), write: text => { io.stderr(text) } })
    const result = await withPeer(dir, bootstrapFrom(args, io), async peer => {
      const client = await votersClient(dir, peer, args, io)
      reporter.start(items.length, { files: items.filter(item => item.kind === 'file').length, folders: folders.size, skipped: skipped.length })
      return await requestGenerations(items, {
        client,
        member: await dir.readMember(),
        role,
        priority,
        generatorVersion: DEFAULT_GENERATOR_VERSION,
        wait: true,
        concurrency,
        ...(interrupt === undefined ? {} : { signal: interrupt }),
        onProgress: counts => { reporter.update(counts) },
        onFailure: (address, error) => { reporter.itemFailed({ address, error }) }
      })
    })
    const done = result.items.filter(item => item.outcome?.state === 'done')
    const failed = result.items.filter(item => item.error !== undefined || item.outcome?.state === 'failed')
    reporter.finish({ done: done.length + failed.length, failed: failed.length })
    printJson(io, {
      project,
      root: resolve(root),
      walked: source,
      files: items.filter(item => item.kind === 'file').length,
      folders: folders.size,
      generated: done.length,
      // Already generated before this run (unchanged since): acknowledged without new work.
      alreadyDone: result.items.filter(item => item.ack?.state === 'done').length,
      skipped,
      failed: failed.map(item => ({ address: item.address, error: item.error?.name ?? 'GenerationFailedError', message: item.error?.message ?? item.outcome?.failure })),
      interrupted: result.interrupted
    })
    if (result.interrupted) throw new AbortError(`interrupted: ${done.length} of ${items.length} generated; run the same command again to go on`)
    if (failed.length > 0) throw new IncompleteBatchError(`${failed.length} of ${items.length} items failed (listed in the summary); the same command again retries them`)
  }
}

/** Notes `address` under each folder on its path: `a/b/c.ts` is held by `a/b`, which is held by `a`, held by the project root. */
function noteFolders (folders: Map<string, Set<string>>, project: string, path: string, address: string): void {
  const parts = path.split('/')
  let child = address
  for (let end = parts.length - 1; end >= 0; end--) {
    const folder = end === 0 ? `ucxl://${project}/` : `ucxl://${project}/${parts.slice(0, end).join('/')}`
    const held = folders.get(folder) ?? new Set<string>()
    const known = folders.has(folder) && held.has(child)
    held.add(child)
    folders.set(folder, held)
    if (known) return
    child = folder
  }
}
