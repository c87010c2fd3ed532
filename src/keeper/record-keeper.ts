import { equalBytes } from '../encoding/bytes.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { KeyedLock } from '../lock/keyed-lock.ts'
import { FencedError, SiblingLimitError, SlurpError, StaleRecordError, VersionConflictError, throwIfAborted } from '../errors.ts'
import { checkClock, checkReplace } from '../record/admission.ts'
import { boundSiblings, decodeSiblings, encodeSiblings, mergeVersion, siblingSetDigest } from '../record/siblings.ts'
import type { MergeOutcome } from '../record/siblings.ts'
import { encodeEnvelope } from '../record/envelope.ts'
import type { RecordEnvelope } from '../record/envelope.ts'
import { validateRecord } from '../record/validator.ts'
import type { RecordOrigin, ValidationContext } from '../record/validator.ts'
import type { KVStore, StoreOptions } from '../store/types.ts'

/**
 * What a relay does with records, whichever way they arrive (DHT protocol or
 * HTTP gateway): validate, merge by version order, store the sibling set.
 * A dominated (older) version never replaces a newer one.
 */
export interface KeeperStats {
  puts: number
  gets: number
  stored: number
  /** Rejections by error code (ERR_STALE_RECORD, ERR_INVALID_SIGNATURE, …). */
  rejected: Record<string, number>
  bytesIn: number
}

export interface PutResult {
  readonly outcome: Exclude<MergeOutcome, 'stale'>
  readonly siblings: number
}

/** What a put looked like when it ended: accepted with an outcome, or rejected with a code. */
export interface PutObservation {
  readonly seconds: number
  readonly bytes: number
  readonly outcome: PutResult['outcome'] | 'rejected'
  /** The error code, when rejected. */
  readonly code?: string
}

export interface GetObservation {
  readonly seconds: number
  /** Versions returned (0 when nothing is held). */
  readonly records: number
}

/** Told about every put and get as it ends, for latency and size metrics. */
export interface KeeperMetrics {
  put (observation: PutObservation): void
  get (observation: GetObservation): void
}

export interface RecordKeeperInit {
  store: KVStore
  /** Read on every put, so a newer verified policy takes effect at once. */
  validation: () => ValidationContext
  metrics?: KeeperMetrics
}

export interface PutOptions extends StoreOptions {
  /**
   * Store only a version that supersedes every version held (or is already
   * held): anything else throws VersionConflictError, and nothing is stored.
   */
  ifNewest?: boolean
  /**
   * 'member' (default): a member's write seen for the first time (record
   * protocol, HTTP gateway): its certificate must be valid now, and its clock
   * and its right to replace what is held are judged against what this relay
   * holds. 'replica': a version another relay already accepted (sync,
   * repair): judged on its own, at its signed time, so replicas converge.
   */
  origin?: RecordOrigin
}

const PREFIX = 'records'
const HISTORY_PREFIX = 'history'
/** Superseded versions kept per key, newest first, within a byte budget. */
export const HISTORY_VERSIONS = 16
export const HISTORY_BYTES = 1024 * 1024

/** Fired (as a CustomEvent named "stored") when a put changed what a key holds. */
export interface StoredDetail {
  readonly key: string
  readonly outcome: 'stored' | 'replaced' | 'sibling'
  /** 'member' for a first-hand write, 'replica' for one from another relay. */
  readonly origin: 'member' | 'replica'
}

/** Fired (as a CustomEvent named "rejected") when a put was refused: the relay's log counts them by code. */
export interface RejectedDetail {
  readonly key: string
  readonly code: string
  readonly origin: 'member' | 'replica'
}

/** One key's versions as `holdings` reads them: the held sibling set, or (superseded) its history. */
export interface HeldVersions {
  readonly key: string
  readonly superseded: boolean
  /** Encoded envelopes, as `get` (or `history`) answers them. */
  readonly records: readonly Uint8Array[]
}

export class RecordKeeper extends EventTarget {
  readonly stats: KeeperStats = { puts: 0, gets: 0, stored: 0, rejected: {}, bytesIn: 0 }
  /**
   * Settable after construction: whoever serves metrics for an existing keeper
   * (the relay's HTTP app) attaches its hook here when none was given.
   */
  metrics: KeeperMetrics | undefined
  private readonly store: KVStore
  private readonly validation: () => ValidationContext
  // Merges for one key run one after another, or two concurrent puts could
  // each read the old set and the second write would drop the first.
  private readonly locks = new KeyedLock()

  constructor (init: RecordKeeperInit) {
    super()
    this.store = init.store
    this.validation = init.validation
    this.metrics = init.metrics
  }

  async put (key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<PutResult> {
    throwIfAborted(options.signal)
    this.stats.puts++
    this.stats.bytesIn += bytes.length
    const started = performance.now()
    try {
      // The incoming record is validated, signature included, before anything
      // held for its key is read: garbage and forgeries cost their own size,
      // never the size of what the key holds (issue 10 finding 7).
      const origin = options.origin ?? 'member'
      const context = this.validation()
      const incoming = await validateRecord(bytes, context, key, { origin })
      const result = await this.locks.run(key, async (): Promise<PutResult> => {
        const stored = await this.readSiblings(key, options)
        const merged = mergeVersion(stored, incoming)
        if (options.ifNewest === true && (merged.outcome === 'sibling' || merged.outcome === 'stale')) {
          throw new VersionConflictError('this version does not supersede every version the relay holds')
        }
        if (merged.outcome === 'stale') {
          if (merged.dropped === 'fenced' && origin === 'member') throw new FencedError(`${droppedReason('fenced')}: this deposed leader's result is refused`)
          if (merged.dropped !== undefined && origin === 'member') throw new SiblingLimitError(droppedReason(merged.dropped))
          throw new StaleRecordError('a newer (or equal) version of this record is already stored')
        }
        if (merged.outcome !== 'duplicate' && origin === 'member') {
          checkClock(stored, incoming)
          checkReplace(context.policy, stored, incoming, merged.siblings, merged.displaced)
        }
        if (merged.outcome !== 'duplicate') {
          const history = merged.displaced.length === 0 ? [] : [{ type: 'put' as const, key: historyKey(key), value: encodeSiblings(await this.nextHistory(key, merged.displaced, options)) }]
          await this.store.batch([{ type: 'put', key: storeKey(key), value: encodeSiblings(merged.siblings) }, ...history], options)
          if (merged.outcome === 'stored') this.stats.stored++
          this.digestIndex?.set(key, siblingSetDigest(merged.siblings))
        }
        return { outcome: merged.outcome, siblings: merged.siblings.length }
      })
      this.observe(observer => observer.put({ seconds: elapsed(started), bytes: bytes.length, outcome: result.outcome }))
      if (result.outcome !== 'duplicate') this.dispatchEvent(new CustomEvent<StoredDetail>('stored', { detail: { key, outcome: result.outcome, origin } }))
      return result
    } catch (error) {
      const code = error instanceof SlurpError ? error.code : 'ERR_INTERNAL'
      this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1
      this.observe(observer => observer.put({ seconds: elapsed(started), bytes: bytes.length, outcome: 'rejected', code }))
      this.dispatchEvent(new CustomEvent<RejectedDetail>('rejected', { detail: { key, code, origin: options.origin ?? 'member' } }))
      throw error
    }
  }

  /** The stored sibling set as encoded envelopes; empty when nothing is held. */
  async get (key: string, options: StoreOptions = {}): Promise<Uint8Array[]> {
    this.stats.gets++
    const started = performance.now()
    const records = (await this.readSiblings(key, options)).map(encodeEnvelope)
    this.observe(observer => observer.get({ seconds: elapsed(started), records: records.length }))
    return records
  }

  /**
   * Versions this relay held for `key` and let go when newer ones came
   * (newest first, at most HISTORY_VERSIONS and HISTORY_BYTES): what
   * peer.history reads. Relays keep them as they keep every record, unable
   * to read them; they are not replicated.
   */
  async history (key: string, options: StoreOptions = {}): Promise<Uint8Array[]> {
    const bytes = await this.store.get(historyKey(key), options)
    return bytes === undefined ? [] : decodeSiblings(bytes).map(encodeEnvelope)
  }

  /**
   * Every key's versions, the held ones and the superseded ones (history),
   * as `get` and `history` answer them, read through one store iterator: a
   * LevelDB iterator reads from a snapshot taken when it opens, so a backup
   * of a running relay sees one moment while writes go on. History comes
   * first (store key order), then the held sets; a key may appear in either.
   */
  async * holdings (options: StoreOptions = {}): AsyncIterable<HeldVersions> {
    for await (const [storeKey, value] of this.store.list('', options)) {
      const superseded = storeKey.startsWith(`${HISTORY_PREFIX}/`)
      if (!superseded && !storeKey.startsWith(`${PREFIX}/`)) continue
      const key = storeKey.slice((superseded ? HISTORY_PREFIX : PREFIX).length + 1)
      const versions = superseded ? decodeSiblings(value) : held(value)
      yield { key, superseded, records: versions.map(encodeEnvelope) }
    }
  }

  /**
   * Adds versions to a key's history (a restore puts back what a backup
   * held there): each is validated as a replica's, kept within the history
   * bounds like versions a put lets go.
   */
  async keepHistory (key: string, records: readonly Uint8Array[], options: StoreOptions = {}): Promise<void> {
    const context = this.validation()
    const versions: RecordEnvelope[] = []
    for (const bytes of records) versions.push(await validateRecord(bytes, context, key, { origin: 'replica' }))
    if (versions.length === 0) return
    await this.locks.run(key, async () => {
      await this.store.put(historyKey(key), encodeSiblings(await this.nextHistory(key, versions, options)), options)
    })
  }

  private async nextHistory (key: string, displaced: readonly RecordEnvelope[], options: StoreOptions): Promise<RecordEnvelope[]> {
    const held = await this.store.get(historyKey(key), options)
    const kept: RecordEnvelope[] = []
    const seen = new Set<string>()
    let bytes = 0
    for (const version of [...displaced, ...(held === undefined ? [] : decodeSiblings(held))]) {
      const id = toBase64url(version.signature)
      const size = version.ciphertext.length + 512
      if (seen.has(id) || kept.length >= HISTORY_VERSIONS || bytes + size > HISTORY_BYTES) continue
      seen.add(id)
      kept.push(version)
      bytes += size
    }
    return kept
  }

  async has (key: string, options: StoreOptions = {}): Promise<boolean> {
    return await this.store.has(storeKey(key), options)
  }

  /** Every DHT key held, in key order. */
  async * keys (options: StoreOptions = {}): AsyncIterable<string> {
    for await (const [key] of this.store.list(`${PREFIX}/`, options)) yield key.slice(PREFIX.length + 1)
  }

  async count (options: StoreOptions = {}): Promise<number> {
    return (await this.digests(options)).size
  }

  /**
   * Every key held with the digest of its sibling set. Built from the store on
   * first use, then kept current by put and remove, so anti-entropy and repair
   * compare holdings without rereading every record.
   */
  async digests (options: StoreOptions = {}): Promise<ReadonlyMap<string, Uint8Array>> {
    if (this.digestIndex === undefined) {
      this.building ??= (async () => {
        const index = new Map<string, Uint8Array>()
        for await (const [key, value] of this.store.list(`${PREFIX}/`, options)) {
          index.set(key.slice(PREFIX.length + 1), siblingSetDigest(held(value)))
        }
        return index
      })().finally(() => { this.building = undefined })
      this.digestIndex = await this.building
    }
    return this.digestIndex
  }

  /**
   * Drops a key, but only while its sibling set is still the one with
   * `expectedDigest`: a version that arrived meanwhile is never lost.
   * Fires "removed" ({ key }) when it did.
   */
  async remove (key: string, expectedDigest: Uint8Array, options: StoreOptions = {}): Promise<boolean> {
    return await this.locks.run(key, async () => {
      const stored = await this.readSiblings(key, options)
      if (stored.length === 0 || !equalBytes(siblingSetDigest(stored), expectedDigest)) return false
      await this.store.batch([{ type: 'delete', key: storeKey(key) }, { type: 'delete', key: historyKey(key) }], options)
      this.digestIndex?.delete(key)
      // For the relay's audit log: a key let go (cleanup), as "stored" tells of keys taken.
      this.dispatchEvent(new CustomEvent<{ key: string }>('removed', { detail: { key } }))
      return true
    })
  }

  private digestIndex: Map<string, Uint8Array> | undefined
  private building: Promise<Map<string, Uint8Array>> | undefined

  private async readSiblings (key: string, options: StoreOptions) {
    const bytes = await this.store.get(storeKey(key), options)
    return bytes === undefined ? [] : held(bytes)
  }

  // A failing metrics hook must never change what a put or get answers.
  private observe (report: (observer: KeeperMetrics) => void): void {
    if (this.metrics === undefined) return
    try {
      report(this.metrics)
    } catch {}
  }
}

/**
 * A stored sibling set as the keeper sees it: within the sibling bounds, so a
 * set stored before they existed is never served past a frame (the next
 * write stores it bounded).
 */
function held (bytes: Uint8Array): RecordEnvelope[] {
  return boundSiblings(decodeSiblings(bytes))
}

function droppedReason (reason: 'author' | 'limit' | 'fenced'): string {
  if (reason === 'fenced') return 'a later leader term already stored its result for this generation request'
  return reason === 'author'
    ? 'its author already has a newer concurrent version at this key: write on top of it instead'
    : 'the concurrent versions held for this key already fill its sibling set, and this one loses the order'
}

function elapsed (started: number): number {
  return (performance.now() - started) / 1000
}

function storeKey (key: string): string {
  return `${PREFIX}/${key}`
}

function historyKey (key: string): string {
  return `${HISTORY_PREFIX}/${key}`
}
