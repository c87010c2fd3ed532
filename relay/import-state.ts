import { readFile, rm } from 'node:fs/promises'
import { InvalidRecordError } from '../src/errors.ts'
import { writeFileAtomic } from './key-files.ts'

/**
 * What an interrupted (or partly failed) `slurp import` leaves beside its
 * file, so the same command carries on where it stopped:
 *
 *   {"format":"slurp-import-state/1","sha256":"<hex of the file's bytes>",
 *    "lines":N,"done":[[first,last],…],"updatedAt":"…"}
 *
 * `done` lists the lines written, as ranges of line numbers. The state
 * belongs to one version of the file: a file whose hash differs starts over.
 */
export const IMPORT_STATE_FORMAT = 'slurp-import-state/1'

export interface ImportState {
  readonly sha256: string
  readonly lines: number
  readonly done: ReadonlySet<number>
}

export function statePathFor (file: string): string {
  return `${file}.slurp-import-state`
}

/** The state at `path`, or undefined when there is none; throws InvalidRecordError for a damaged one. */
export async function readImportState (path: string): Promise<ImportState | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  let value: { format?: unknown, sha256?: unknown, lines?: unknown, done?: unknown }
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new InvalidRecordError(`${path} is not an import state (not JSON); remove it to start over`, { cause })
  }
  if (value.format !== IMPORT_STATE_FORMAT || typeof value.sha256 !== 'string' || !Number.isInteger(value.lines) || (value.lines as number) < 0) {
    throw new InvalidRecordError(`${path} is not a ${IMPORT_STATE_FORMAT} state; remove it to start over`)
  }
  return { sha256: value.sha256, lines: value.lines as number, done: new Set(fromRanges(value.done, value.lines as number, path)) }
}

export async function writeImportState (path: string, state: ImportState): Promise<void> {
  const body = { format: IMPORT_STATE_FORMAT, sha256: state.sha256, lines: state.lines, done: toRanges(state.done), updatedAt: new Date().toISOString() }
  await writeFileAtomic(path, `${JSON.stringify(body)}\n`, 0o600)
}

export async function removeImportState (path: string): Promise<void> {
  await rm(path, { force: true })
}

/** Sorted, merged runs: [1,2,3,7,9,10] → [[1,3],[7,7],[9,10]]. A million lines done in order is one pair. */
export function toRanges (numbers: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b)
  const ranges: Array<[number, number]> = []
  for (const n of sorted) {
    const last = ranges.at(-1)
    if (last !== undefined && n === last[1] + 1) last[1] = n
    else ranges.push([n, n])
  }
  return ranges
}

/** The numbers `toRanges` wrote, none above `max` (a damaged state must not make millions of numbers up). */
export function fromRanges (value: unknown, max: number, where = 'the import state'): number[] {
  if (!Array.isArray(value)) throw new InvalidRecordError(`${where}: "done" must be a list of [first, last] ranges`)
  const out: number[] = []
  for (const range of value) {
    if (!Array.isArray(range) || range.length !== 2 || !Number.isInteger(range[0]) || !Number.isInteger(range[1]) || range[0] < 1 || range[1] < range[0] || range[1] > max) {
      throw new InvalidRecordError(`${where}: "done" must be a list of [first, last] ranges of line numbers up to ${max}`)
    }
    for (let n = range[0] as number; n <= (range[1] as number); n++) out.push(n)
  }
  return out
}

/**
 * What is left to write when `done` lines were written before: every other
 * line, except those a later line already written supersedes (an earlier
 * version of the same record would otherwise be written on top of it).
 * Those count as done; `skipped` says how many lines this run leaves out.
 */
export function pendingItems<T extends { readonly line: number, readonly address: string, readonly type: string }> (items: readonly T[], done: Set<number>): { todo: T[], skipped: number } {
  const written = new Set<string>()
  const todo: T[] = []
  let skipped = 0
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as T
    // Suggestions are kept beside an address's item, under a key of their own.
    const record = `${item.type === 'suggestion' ? 'suggestion' : 'item'} ${item.address}`
    if (done.has(item.line) || written.has(record)) {
      done.add(item.line)
      written.add(record)
      skipped++
    } else {
      todo.push(item)
    }
  }
  return { todo: todo.reverse(), skipped }
}
