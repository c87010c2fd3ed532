import { basename, relative, resolve } from 'node:path'
import { readFile } from 'node:fs/promises'
import { AbortError, IncompleteBatchError, UsageError } from '../../src/errors.ts'
import { PRIORITIES } from '../../src/raft/queue-commands.ts'
import type { Priority } from '../../src/raft/queue-commands.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { requestGenerations } from '../generation-batch.ts'
import type { GenerationItem } from '../generation-batch.ts'
import { DEFAULT_GENERATOR_VERSION } from '../generator-choice.ts'
import { NetworkDir } from '../network-dir.ts'
import { bootstrapFrom, MESH_OPTIONS, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { VOTER_HELP, VOTER_OPTIONS, votersClient } from '../voters-from-dir.ts'

export const generate: Command = {
  name: 'generate',
  summary: 'ask the elected leader to generate context for files, readable as if you had written it as --as ROLE',
  usage: 'slurp generate FILE... --as ROLE [--project P] [--root DIR] [--priority low|normal|high|urgent] [--wait] [--timeout S] [--dir .slurp] [--voter MA]... [--bootstrap MA]...',
  details: [
    'Each FILE goes to the voters in a request signed by your member key; it is acknowledged once a',
    'majority of them hold it, so it survives the leader failing. The leader generates it once',
    '(the same file, unchanged, is not generated again) and stores the result at',
    'ucxl://PROJECT/PATH (PATH relative to --root, default the current folder; --project defaults to its name),',
    'written by the leader role for ROLE: those who read what ROLE writes read it, and the leader.',
    'You must hold ROLE. Binary files and files over 256 KiB are refused at once.',
    'Prints one JSON object per file: its address, request id and state (with --wait: once done,',
    'with the record key, or the reason it failed; --timeout S bounds the wait, default 300).',
    VOTER_HELP
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, ...VOTER_OPTIONS, as: { type: 'string' }, project: { type: 'string' }, root: { type: 'string' }, priority: { type: 'string' }, wait: { type: 'boolean' }, timeout: { type: 'string' } },
  allowPositionals: true,
  async run (args, io) {
    const files = args.positionals
    if (files.length === 0) throw new UsageError('generate needs at least one FILE')
    const role = args.values.as as string | undefined
    if (role === undefined) throw new UsageError('generate needs --as ROLE (the role the context is for)')
    const priority = priorityFrom(args.values.priority)
    const root = resolve((args.values.root as string | undefined) ?? process.cwd())
    const project = (args.values.project as string | undefined) ?? basename(root)
    const items: GenerationItem[] = []
    for (const file of files) {
      const path = relative(root, resolve(file)).split('\\').join('/')
      if (path.startsWith('../') || path === '..') throw new UsageError(`${file} is outside ${root}: addresses are relative to --root (default the current folder)`)
      items.push({ kind: 'file', address: `ucxl://${project}/${path}`, bytes: await readFile(file) })
    }
    const dir = new NetworkDir(dirFrom(args, io))
    const wait = args.values.wait === true
    const signal = AbortSignal.timeout(positiveInt(args.values.timeout, '--timeout', 300) * 1000)
    const result = await withPeer(dir, bootstrapFrom(args, io), async peer => await requestGenerations(items, {
      client: await votersClient(dir, peer, args, io),
      member: await dir.readMember(),
      role,
      priority,
      generatorVersion: DEFAULT_GENERATOR_VERSION,
      wait,
      concurrency: 8,
      signal
    }))
    for (const item of result.items) {
      printJson(io, {
        address: item.address,
        requestId: item.requestId,
        ...(item.error === undefined ? {} : { error: item.error.name, message: item.error.message }),
        ...(item.ack === undefined ? {} : { queued: item.ack.outcome, state: item.outcome?.state ?? item.ack.state, term: item.ack.term }),
        ...(item.outcome?.result === undefined ? {} : { key: item.outcome.result.key, generatedInTerm: item.outcome.result.term }),
        ...(item.outcome?.failure === undefined ? {} : { failure: item.outcome.failure })
      })
    }
    if (result.interrupted) throw new AbortError(`stopped after --timeout before every file was ${wait ? 'generated' : 'acknowledged'}: run the same command again to go on`)
    const failures = result.items.filter(item => item.error !== undefined || item.outcome?.state === 'failed')
    // One file refused at once: its own error (and exit code); several: a batch error naming how many.
    if (failures.length === 1 && items.length === 1 && failures[0]?.error !== undefined) throw failures[0].error
    if (failures.length > 0) throw new IncompleteBatchError(`${failures.length} of ${items.length} files failed (listed above)`)
  }
}

export function priorityFrom (value: unknown): Priority {
  if (value === undefined) return 'normal'
  if (!PRIORITIES.includes(value as Priority)) throw new UsageError(`--priority takes ${PRIORITIES.join(', ')}`)
  return value as Priority
}
