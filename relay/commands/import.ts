import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { sha256 } from '@noble/hashes/sha2.js'
import { toHex } from '../../src/encoding/bytes.ts'
import { AbortError, IncompleteBatchError, InvalidRecordError, NotFoundError, UsageError } from '../../src/errors.ts'
import type { PutManyResult } from '../../src/peer/put-many.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { assertNoProblems, parseImportFile } from '../context-lines.ts'
import { pendingItems, readImportState, removeImportState, statePathFor, writeImportState } from '../import-state.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { newestPolicy } from '../policy-files.ts'
import { ProgressReporter, progressMode } from '../progress.ts'

/** How often the state is saved while an import runs, so even a killed import loses at most this much. */
const SAVE_EVERY_MS = 5000
/** How long the directory of what was written may take to be written at the end. */
const LIST_TIMEOUT_MS = 30_000

export const importCommand: Command = {
  name: 'import',
  summary: 'write the context items of a JSONL file (one per line), with progress; Ctrl-C and run it again to resume',
  usage: 'slurp import FILE.jsonl [--as ROLE] [--concurrency N] [--state PATH] [--json] [--replicas K] [--min-replicas M] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Each line is one context item: what "slurp export" writes, or a "slurp put" draft plus its',
    'address: {"address","summary","purpose"?,"tags"?,"technologies"?,"insights"?,"parent"?,"body"?,',
    '"metadata"?,"decision"?,"type"? (context|decision|task|suggestion),"as"?}. The role a line is',
    'written as: its "as", else --as, else its "creatorRole". Every line is checked before anything',
    'is written; bad lines are listed by number (exit 5). Writes run --concurrency at once (default 32).',
    'Progress goes to stderr (one line redrawn on a terminal, a line every 5 s otherwise or under CI or',
    'NO_COLOR; --json: NDJSON events start, progress, item-failed, done). At the end a summary goes to',
    'stdout: {"file","lines","stored","skipped","failed":[{"line","address","error","message"}],',
    '"unfinished","interrupted","state"}. Ctrl-C stops starting writes and leaves FILE.slurp-import-state',
    '(or --state PATH) naming the lines written; the same command then skips them. The state is for',
    'one version of the file: a changed file starts over. Exit 1 when any line failed (running it',
    'again retries only those) or it was interrupted.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...MESH_OPTIONS,
    as: { type: 'string' },
    concurrency: { type: 'string', short: 'c' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    replicas: { type: 'string' },
    'min-replicas': { type: 'string' }
  },
  allowPositionals: true,
  async run (args, io) {
    const [file, ...extra] = args.positionals
    if (file === undefined) throw new UsageError('import needs a FILE.jsonl')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const concurrency = positiveInt(args.values.concurrency, '--concurrency', 32)
    const replicationFactor = positiveInt(args.values.replicas, '--replicas', 3)
    const minReplicas = args.values['min-replicas'] === undefined ? undefined : positiveInt(args.values['min-replicas'], '--min-replicas', 1)
    const as = args.values.as as string | undefined
    const dir = new NetworkDir(dirFrom(args, io))

    const bytes = await readBytes(file)
    const hash = toHex(sha256(bytes))
    const { policy } = await newestPolicy(dir)
    const { certificate } = await dir.readMember()
    const { items, problems } = parseImportFile(decodeUtf8(bytes, file), {
      ...(as === undefined ? {} : { as }),
      knownRoles: new Set(Object.keys(policy.roles)),
      heldRoles: new Set(certificate.roles)
    })
    assertNoProblems(problems, items.length + problems.length)

    const statePath = (args.values.state as string | undefined) ?? statePathFor(file)
    const previous = await readImportState(statePath)
    const done = new Set<number>()
    if (previous !== undefined && previous.sha256 === hash) for (const line of previous.done) done.add(line)
    else if (previous !== undefined) io.stderr(`slurp import: ${file} changed since ${statePath} was written; starting from the first line\n`)
    const { todo, skipped } = pendingItems(items, done)

    const reporter = new ProgressReporter({ label: 'import', mode: progressMode(io, args.values.json === true), write: text => { io.stderr(text) } })
    const interrupt = io.interrupt?.()
    let saving = Promise.resolve()
    let savedAt = Date.now()
    const save = (): void => {
      savedAt = Date.now()
      const snapshot = new Set(done)
      saving = saving.then(async () => { await writeImportState(statePath, { sha256: hash, lines: items.length, done: snapshot }) })
        .catch(error => { io.stderr(`slurp import: could not save ${statePath}: ${(error as Error).message}\n`) })
    }

    let result: PutManyResult = { stored: [], failed: [], unfinished: [], aborted: false }
    let stateKept = false
    try {
      if (todo.length === 0) {
        reporter.start(0, { lines: items.length, skipped })
      } else {
        result = await withPeer(dir, bootstrapFrom(args, io), async peer => {
          // Started once the peer is up, so the rate and ETA are the writes' own.
          reporter.start(todo.length, { lines: items.length, skipped })
          const written = await peer.putMany(todo.map(item => ({ address: item.address, draft: item.draft, as: item.as, type: item.type })), {
            concurrency,
            ...(interrupt === undefined ? {} : { signal: interrupt }),
            onProgress: step => {
              const item = todo[step.index]
              if (item === undefined) return
              if (step.error === undefined) done.add(item.line)
              else reporter.itemFailed({ line: item.line, address: item.address, error: step.error })
              reporter.update(step)
              if (Date.now() - savedAt >= SAVE_EVERY_MS) save()
            }
          })
          // Listed now, so an export (or ls) right after sees every item written.
          if (written.stored.length > 0) {
            await peer.flushDirectory({ signal: AbortSignal.timeout(LIST_TIMEOUT_MS) }).catch(error => {
              io.stderr(`slurp import: warning: some written items are not listed in their project's directory yet (${(error as Error).message}); "slurp ls" and "slurp export" may miss them\n`)
            })
          }
          return written
        }, { replicationFactor, ...(minReplicas === undefined ? {} : { minReplicas }) })
      }
    } finally {
      await saving
      // Whatever stopped the run, what was written is on record for the next one.
      if (items.every(item => done.has(item.line))) {
        await removeImportState(statePath)
      } else if (done.size > 0) {
        await writeImportState(statePath, { sha256: hash, lines: items.length, done })
        stateKept = true
      }
    }

    const failed = result.failed.map(failure => {
      const item = todo[failure.index]
      return { line: item?.line, address: failure.address, error: failure.error.name, code: failure.error.code, message: failure.error.message }
    })
    const summary = {
      file: resolve(file),
      lines: items.length,
      stored: result.stored.length,
      skipped,
      failed,
      unfinished: result.unfinished.length,
      interrupted: result.aborted,
      state: stateKept ? resolve(statePath) : null
    }
    reporter.finish({ done: result.stored.length + failed.length, failed: failed.length }, { stored: summary.stored, skipped, unfinished: summary.unfinished, interrupted: summary.interrupted })
    printJson(io, summary)
    if (result.aborted) throw new AbortError(`interrupted: ${result.stored.length} of ${todo.length} items written; run the same command again to resume (${statePath})`)
    if (failed.length > 0) throw new IncompleteBatchError(`${failed.length} of ${todo.length} items failed (listed in the summary); the same command again retries only them`)
  }
}

async function readBytes (file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`no file at ${file}`)
    throw error
  }
}

function decodeUtf8 (bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch (cause) {
    throw new InvalidRecordError(`${file} is not UTF-8 text`, { cause })
  }
}
