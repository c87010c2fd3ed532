import { chmod, open, rename, rm } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { AbortError, IncompleteBatchError, UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, CommandIO } from '../command.ts'
import { formatExportLine } from '../context-lines.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { ProgressReporter, progressMode } from '../progress.ts'

/** Addresses read per getMany: lines are written in listing order while memory holds one chunk. */
const CHUNK = 256

export const exportCommand: Command = {
  name: 'export',
  summary: 'write every context item of a project your roles can read as JSONL (one per line), with progress',
  usage: 'slurp export --project P [--project Q]... [--prefix PATH] [--as ROLE] [--out FILE] [--concurrency N] [--json] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Lists each project from its encrypted directory (as "slurp ls" does), reads every address',
    '(--concurrency at once, default 32) and writes one line per item, sorted by address: the item',
    'as readers get it (address, summary, …, contentType, creatorRole, createdAt, updatedAt), which',
    '"slurp import" reads back. Only the winning version of an address is written (siblings are',
    'counted in the summary). The lines are plaintext: --out FILE is created readable by you only',
    '(mode 0600), and only once the export is complete. slurp keeps no list of a network\'s',
    'projects, so --project is required (repeat it for several). --prefix PATH exports only',
    'addresses under PATH; --as ROLE only what ROLE can read. Progress goes to stderr (as for',
    '"slurp import"; --json: NDJSON events). With --out, a summary goes to stdout. Exit 1 when an',
    'address could not be read or a directory record was unreachable (the export may be missing',
    'items), or on Ctrl-C.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...MESH_OPTIONS,
    project: { type: 'string', short: 'p', multiple: true },
    prefix: { type: 'string' },
    as: { type: 'string' },
    out: { type: 'string', short: 'o' },
    concurrency: { type: 'string', short: 'c' },
    json: { type: 'boolean' }
  },
  async run (args, io) {
    const projects = (args.values.project as string[] | undefined ?? []).flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '')
    if (projects.length === 0) {
      throw new UsageError('export needs --project P (repeat it for several): slurp keeps no list of a network\'s projects (each project\'s directory lists only its own addresses), so name the ones to export')
    }
    const prefix = args.values.prefix as string | undefined
    const as = args.values.as as string | undefined
    const out = args.values.out as string | undefined
    const concurrency = positiveInt(args.values.concurrency, '--concurrency', 32)
    const reporter = new ProgressReporter({ label: 'export', mode: progressMode(io, args.values.json === true), write: text => { io.stderr(text) } })
    const interrupt = io.interrupt?.()
    const signal = interrupt === undefined ? {} : { signal: interrupt }
    const sink = out === undefined ? stdoutSink(io) : await fileSink(out)

    const failed: Array<{ address: string, error: string, code: string, message: string }> = []
    let written = 0
    let withConflicts = 0
    let unreachable = 0
    let interrupted = false
    try {
      await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io), async peer => {
        const addresses: string[] = []
        for (const project of projects) {
          const listing = await peer.list(project, { ...(prefix === undefined ? {} : { prefix }), ...(as === undefined ? {} : { as }), ...signal })
          addresses.push(...listing.entries.map(entry => entry.address))
          unreachable += listing.unreachable
          if (listing.unreachable > 0) io.stderr(`slurp export: ${listing.unreachable} directory records of ${listing.project} could not be read from the relays; the export may be missing items\n`)
          if (listing.skipped > 0) io.stderr(`slurp export: ${listing.skipped} directory records of ${listing.project} were damaged and skipped\n`)
        }
        reporter.start(addresses.length, { projects })
        for (let start = 0; start < addresses.length && !interrupted; start += CHUNK) {
          const before = { done: written + failed.length, failed: failed.length }
          const result = await peer.getMany(addresses.slice(start, start + CHUNK), {
            concurrency,
            ...(as === undefined ? {} : { as }),
            ...signal,
            onProgress: step => {
              if (step.error !== undefined) reporter.itemFailed({ address: addresses[start + step.index] as string, error: step.error })
              reporter.update({ done: before.done + step.done, failed: before.failed + step.failed })
            }
          })
          await sink.write(result.found.map(found => `${formatExportLine(found.item)}\n`).join(''))
          written += result.found.length
          withConflicts += result.found.filter(found => found.conflicts.length > 0).length
          failed.push(...result.failed.map(({ address, error }) => ({ address, error: error.name, code: error.code, message: error.message })))
          interrupted = result.aborted
        }
      })
      interrupted ||= interrupt?.aborted === true
    } catch (error) {
      await sink.discard()
      throw error
    }
    if (interrupted) await sink.discard()
    else await sink.commit()

    const summary = { projects, written, failed, withConflicts, unreachableDirectoryRecords: unreachable, interrupted, out: interrupted ? null : out ?? null }
    reporter.finish({ done: written + failed.length, failed: failed.length }, { written, withConflicts, unreachableDirectoryRecords: unreachable, interrupted })
    if (out !== undefined) printJson(io, summary)
    if (interrupted) throw new AbortError(`interrupted after ${written} item${written === 1 ? '' : 's'}${out === undefined ? '' : `; ${out} was not written`}`)
    if (failed.length > 0 || unreachable > 0) {
      throw new IncompleteBatchError(`the export is incomplete: ${failed.length} addresses could not be read${unreachable > 0 ? ` and ${unreachable} directory records were unreachable` : ''}`)
    }
  }
}

interface Sink {
  write: (text: string) => Promise<void>
  /** The export is complete: make it visible. */
  commit: () => Promise<void>
  /** The export stopped: leave nothing that could pass for a whole one (stdout cannot take back what it printed). */
  discard: () => Promise<void>
}

function stdoutSink (io: CommandIO): Sink {
  return { write: async text => { if (text !== '') io.stdout(text) }, commit: async () => {}, discard: async () => {} }
}

/** A temporary file beside FILE, 0600 from the start (the lines are plaintext), renamed to FILE once complete. */
async function fileSink (path: string): Promise<Sink> {
  const temporary = `${path}.${process.pid}.partial`
  const handle: FileHandle = await open(temporary, 'w', 0o600)
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await handle.close()
  }
  return {
    write: async text => { if (text !== '') await handle.write(text) },
    commit: async () => {
      await close()
      await chmod(temporary, 0o600)
      await rename(temporary, path)
    },
    discard: async () => {
      await close()
      await rm(temporary, { force: true })
    }
  }
}
