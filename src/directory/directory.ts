import { resolveAddress } from '../address/resolve.ts'
import { AccessDeniedError, NetworkError, NotFoundError, SlurpError, UsageError, throwIfAborted } from '../errors.ts'
import type { ContextDraft } from '../record/context-item.ts'
import { freshCopy } from '../peer/fresh-copy.ts'
import type { GetOptions, GetResult, PutOptions } from '../peer/types.ts'
import { decodeDirectory, encodeDirectory, LISTED_TYPES } from './entries.ts'
import type { DirectoryLine, ListedType } from './entries.ts'
import { DIRECTORY_SHARDS, canonicalProject, directoryAddress, projectOf, shardOf } from './layout.ts'

/** What the directory needs from a peer. */
export interface DirectorySource {
  get: (address: string, options: GetOptions) => Promise<GetResult>
  cached: (address: string, options: { signal?: AbortSignal }) => Promise<GetResult | undefined>
  /** Writes a directory record on top of what was read, as a sibling of anything newer. */
  write: (address: string, draft: ContextDraft, options: PutOptions) => Promise<unknown>
  /** The writer roles whose records the held roles (or only `as`) can read. */
  readableRoles: (as?: string) => string[]
}

export interface DirectoryEntry {
  readonly address: string
  readonly type: ListedType
  /** The roles whose writers listed it: what it was written as. */
  readonly roles: readonly string[]
}

export interface ListOptions {
  /** Only addresses at or under this path (`src/net`, `/src/net/`, or a ucxl:// address of the project). */
  readonly prefix?: string
  /** List only what this role can read. */
  readonly as?: string
  /** Directory records read within this long are taken from the cache. Default 0. */
  readonly maxAgeMs?: number
  readonly signal?: AbortSignal
}

export interface Listing {
  readonly project: string
  /** Sorted by address. */
  readonly entries: readonly DirectoryEntry[]
  /** Directory records no relay could serve: the listing may be missing what they hold. */
  readonly unreachable: number
  /** Directory records that could not be read as one (damaged, or written by an older peer). */
  readonly skipped: number
}

/**
 * `role`: the directory the lines go to (the role they were written as, or
 * generated for); `generation`: set for the elected leader's notes, which it
 * writes as its own role, stamped for `role` and fenced by its term.
 */
interface Pending { readonly project: string, readonly role: string, readonly lines: Map<string, ListedType>, generation?: { readonly as: string, term: number } }

/** A generated record's note: who wrote it (the leader role) and in which term. */
export interface GeneratedNote {
  readonly as: string
  readonly term: number
}

/**
 * Each project's list of addresses, kept as encrypted records beside the
 * context (layout.ts): a grow-only set per writer role and shard. A write
 * notes its address; notes are written in batches (one read and one write per
 * directory record touched), and an address already listed costs nothing.
 * Concurrent writers each write the union of what they read and what they
 * add; what one did not read stays as a sibling, and readers take the union.
 */
export class Directory {
  private readonly pending = new Map<string, Pending>()
  /** Lines each directory record is known to hold (read or written here), by lineKey. */
  private readonly known = new Map<string, Map<string, DirectoryLine>>()
  /** The lines last decoded from each record, by the copy (fetchedAt) they came from: warm listings skip decoding. */
  private readonly decoded = new Map<string, { fetchedAt: number, lines: DirectoryLine[], skipped: number }>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private flushing: Promise<void> = Promise.resolve()
  private failure: unknown

  /**
   * `flushMs`: how long notes wait to be written together (default 1 s). Each
   * batch rewrites the shards it touches whole, so longer batches cost less
   * per write: at 200 ms, keeping a 10,000-address directory added 23 % to
   * writing it; at 1 s, 9 % (BENCHMARKS.md).
   */
  constructor (private readonly source: DirectorySource, private readonly options: { flushMs?: number } = {}) {}

  /**
   * Lists `address` (written as `role`) in its project's directory, at the
   * next flush. A generated record (`generated`) is listed in the directory
   * of the role it was generated for, so that role's readers list it too.
   */
  note (address: string, type: string, role: string, generated?: GeneratedNote): void {
    if (!(LISTED_TYPES as readonly string[]).includes(type)) return
    const project = projectOf(address)
    const record = directoryAddress(project, role, shardOf(address))
    if (this.known.get(record)?.has(lineKey(address, type)) === true) return
    const pending: Pending = this.pending.get(record) ?? { project, role, lines: new Map() }
    // A human's write and the leader's for the same role's directory: the leader stamps the union it writes.
    if (generated !== undefined) pending.generation = { as: generated.as, term: Math.max(generated.term, pending.generation?.term ?? 0) }
    pending.lines.set(address, type as ListedType)
    this.pending.set(record, pending)
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.flush().catch(error => { this.failure = error })
    }, this.options.flushMs ?? 1000)
  }

  /** Addresses noted and not yet written. */
  get backlog (): number {
    let count = 0
    for (const pending of this.pending.values()) count += pending.lines.size
    return count
  }

  /**
   * Writes every noted address now. Notes that could not be written stay
   * noted for the next flush, and the first failure is thrown (or, for a
   * flush that ran by itself, the next one).
   */
  async flush (options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    const run = this.flushing.then(async () => { await this.writePending(options.signal) })
    this.flushing = run.catch(() => {})
    await run
    const failure = this.failure
    this.failure = undefined
    if (failure !== undefined) throw failure
  }

  private async writePending (signal?: AbortSignal): Promise<void> {
    const batch = [...this.pending]
    this.pending.clear()
    const failures: unknown[] = []
    await Promise.all(batch.map(async ([record, pending]) => {
      try {
        // Each record's write its own signal: one signal under every shard's fan-out to every relay trips Node's listener-leak warning.
        await this.writeRecord(record, pending, signal === undefined ? undefined : AbortSignal.any([signal]))
      } catch (error) {
        failures.push(error)
        // Noted again, under whatever was noted meanwhile.
        const now = this.pending.get(record) ?? { ...pending, lines: new Map() }
        for (const [address, type] of pending.lines) now.lines.set(address, type)
        this.pending.set(record, now)
      }
    }))
    if (failures.length > 0) throw failures[0]
  }

  /**
   * Writes what the record is known to hold plus the pending lines. The record
   * is read only the first time: after that this peer knows what it wrote,
   * and what others wrote meanwhile stays a sibling that readers merge (and
   * that the next read here folds in). Reading it back every time made each
   * batch cost a decode of the whole shard.
   */
  private async writeRecord (record: string, pending: Pending, signal?: AbortSignal): Promise<void> {
    const as = pending.generation?.as ?? pending.role
    if (!this.known.has(record)) await this.read(record, pending.project, { as, maxAgeMs: 0, ...(signal === undefined ? {} : { signal }) })
    const lines = new Map(this.known.get(record))
    const before = lines.size
    for (const [address, type] of pending.lines) lines.set(lineKey(address, type), [address, type])
    if (lines.size > before) {
      // The leader's versions of one directory record are one fenced "request": a newer term's union displaces an older term's.
      const generation = pending.generation === undefined ? {} : { generation: { forRole: pending.role, term: pending.generation.term, requestId: `directory:${record}` } }
      await this.source.write(record, { summary: `directory of ${pending.project} (${pending.role}, shard ${record.split('/').at(-1) ?? ''})`, body: encodeDirectory(lines.values()) },
        { as, ...generation, ...(signal === undefined ? {} : { signal }) })
    }
    this.known.set(record, lines)
  }

  /** Every address of `project` the held roles (or `as`) can read, from the directory records of every role they read. */
  async list (project: string, options: ListOptions = {}): Promise<Listing> {
    const canonical = canonicalProject(project)
    const prefix = prefixSegments(options.prefix, canonical)
    throwIfAborted(options.signal)
    const roles = this.source.readableRoles(options.as)
    const reads = roles.flatMap(role => Array.from({ length: DIRECTORY_SHARDS }, (_, shard) => ({ role, record: directoryAddress(canonical, role, shard) })))
    const results = await Promise.all(reads.map(async ({ role, record }) => ({ role, ...await this.read(record, canonical, options) })))
    throwIfAborted(options.signal)
    if (results.length > 0 && results.every(result => result.unreachable)) {
      throw new NetworkError(`none of the ${results.length} directory records of ${canonical} could be read from the relays`)
    }
    const byAddress = new Map<string, { type: ListedType, roles: Set<string> }>()
    for (const { role, lines } of results) {
      for (const [address, type] of lines) {
        if (!under(address, prefix)) continue
        const entry = byAddress.get(address) ?? { type, roles: new Set() }
        entry.roles.add(role)
        byAddress.set(address, entry)
      }
    }
    const entries = [...byAddress].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
      .map(([address, { type, roles }]) => ({ address, type, roles: [...roles].sort() }))
    return {
      project: canonical,
      entries,
      unreachable: results.filter(result => result.unreachable).length,
      skipped: results.reduce((sum, result) => sum + result.skipped, 0)
    }
  }

  /** The union of a directory record's versions; empty when nothing is stored there. */
  private async read (record: string, project: string, options: ListOptions): Promise<{ lines: DirectoryLine[], unreachable: boolean, skipped: number }> {
    const signal = options.signal === undefined ? {} : { signal: options.signal }
    let result = await freshCopy(this.source.cached, record, { ...(options.maxAgeMs === undefined ? {} : { maxAgeMs: options.maxAgeMs }), ...signal })
    try {
      result ??= await this.source.get(record, { ...signal, ...(options.as === undefined ? {} : { as: options.as }) })
    } catch (error) {
      if (error instanceof NotFoundError || error instanceof AccessDeniedError) return { lines: [], unreachable: false, skipped: 0 }
      if (error instanceof NetworkError) return { lines: [], unreachable: true, skipped: 0 }
      throw error
    }
    const seen = this.decoded.get(record)
    if (seen !== undefined && seen.fetchedAt === result.fetchedAt) return { lines: seen.lines, unreachable: false, skipped: seen.skipped }
    const lines: DirectoryLine[] = []
    let skipped = 0
    for (const item of [result.item, ...result.conflicts.map(conflict => conflict.item)]) {
      if (item === undefined) continue
      try {
        lines.push(...decodeDirectory(item.body ?? '', project))
      } catch (error) {
        if (!(error instanceof SlurpError)) throw error
        skipped++
      }
    }
    const known = new Map(this.known.get(record))
    for (const line of lines) known.set(lineKey(line[0], line[1]), line)
    this.known.set(record, known)
    this.decoded.set(record, { fetchedAt: result.fetchedAt, lines, skipped })
    return { lines, unreachable: false, skipped }
  }
}

function lineKey (address: string, type: string): string {
  return `${type} ${address}`
}

/** The path segments a prefix names; a ucxl:// prefix must be of the project listed. */
function prefixSegments (prefix: string | undefined, project: string): string[] {
  if (prefix === undefined || prefix === '' || prefix === '/') return []
  if (prefix.startsWith('ucxl://')) {
    const parsed = resolveAddress(prefix)
    if (parsed.project !== project) throw new UsageError(`the prefix ${prefix} is not in project ${project}`)
    return [...parsed.segments]
  }
  return [...resolveAddress(`ucxl://${project}/${prefix.replace(/^\/+|\/+$/g, '')}`).segments]
}

function under (address: string, prefix: readonly string[]): boolean {
  if (prefix.length === 0) return true
  const { segments } = resolveAddress(address)
  return prefix.every((segment, i) => segments[i] === segment)
}
