import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { SplitViewError, SlurpError } from '../errors.ts'
import { KeyedLock } from '../lock/keyed-lock.ts'
import type { KVStore, StoreOptions } from '../store/types.ts'
import { checkpointFromJson, checkpointToJson, cosignCheckpoint, verifyCheckpoint } from './checkpoint.ts'
import type { CheckpointSigner, Cosignature, SignedCheckpoint } from './checkpoint.ts'
import { verifyConsistency } from './merkle.ts'

export interface WitnessInit {
  /** The witness's own key (a relay's libp2p key): it countersigns with it. */
  readonly signer: CheckpointSigner
  /** Keeps the latest checkpoint of each log across restarts, so a rollback after one is caught too. */
  readonly store?: KVStore
  /** Default "audit/witness/". */
  readonly prefix?: string
  readonly now?: () => number
}

/** Fired (CustomEvent "split-view") when a log shows a history that contradicts one it showed before. */
export interface SplitViewReport {
  readonly log: string
  readonly held: SignedCheckpoint
  readonly offered: SignedCheckpoint
  readonly time: number
}

const MAX_REPORTS = 32

/**
 * Keeps the latest verified checkpoint of each log (relay) it watches, and
 * takes a different one only with proof that one extends the other (RFC 9162
 * consistency): a log can grow, never rewrite what it showed. Countersigns
 * what it takes, so a client holding a checkpoint with cosignatures knows
 * other relays were shown the same history. Two signed checkpoints that
 * cannot both be true are a split view: SplitViewError, with both as evidence.
 */
export class Witness extends EventTarget {
  private readonly held = new Map<string, SignedCheckpoint>()
  private readonly locks = new KeyedLock()
  private readonly prefix: string
  private readonly now: () => number
  private loaded: Promise<void> | undefined
  /** The latest split views seen (newest last), for operators. */
  readonly splitViews: SplitViewReport[] = []

  constructor (private readonly init: WitnessInit) {
    super()
    this.prefix = init.prefix ?? 'audit/witness/'
    this.now = init.now ?? Date.now
  }

  get id (): string {
    return this.init.signer.id
  }

  /** The checkpoint held for `log`, if any. */
  async latest (log: string, options: StoreOptions = {}): Promise<SignedCheckpoint | undefined> {
    await this.load(options)
    return this.held.get(log)
  }

  /** Every log's held checkpoint. */
  async all (options: StoreOptions = {}): Promise<SignedCheckpoint[]> {
    await this.load(options)
    return [...this.held.values()]
  }

  /**
   * Judges a checkpoint `offered` by its log. `proof` is the consistency proof
   * between the held checkpoint and this one, from the smaller size to the
   * larger (empty when nothing is held, or the sizes are equal). Returns a
   * cosignature when the offered checkpoint is now the latest held; undefined
   * when it is an older one, proven consistent. Throws AuditVerificationError
   * for a bad signature, SplitViewError when the two cannot both be true.
   */
  async observe (offered: SignedCheckpoint, proof: readonly Uint8Array[], options: StoreOptions = {}): Promise<Cosignature | undefined> {
    await verifyCheckpoint(offered)
    await this.load(options)
    return await this.locks.run(offered.log, async () => {
      const held = this.held.get(offered.log)
      if (held !== undefined) {
        const [older, newer] = held.size <= offered.size ? [held, offered] : [offered, held]
        // A log only grows: a shorter one signed after a longer one is a history
        // rolled back (a lost or replaced log), even where a proof exists (from 0).
        const rolledBack = offered.size < held.size && offered.time >= held.time
        if (rolledBack || !verifyConsistency(older.size, newer.size, older.root, newer.root, proof)) {
          const error = new SplitViewError(splitMessage(held, offered), held, offered)
          this.report({ log: offered.log, held, offered, time: this.now() })
          throw error
        }
        if (offered.size < held.size || (offered.size === held.size && offered.time < held.time)) return undefined
      }
      await this.keep(offered, options)
      return await cosignCheckpoint(this.init.signer, offered, this.now())
    })
  }

  private async keep (checkpoint: SignedCheckpoint, options: StoreOptions): Promise<void> {
    await this.init.store?.put(this.prefix + checkpoint.log, utf8Encode(JSON.stringify(checkpointToJson(checkpoint))), options)
    this.held.set(checkpoint.log, checkpoint)
  }

  private report (report: SplitViewReport): void {
    this.splitViews.push(report)
    if (this.splitViews.length > MAX_REPORTS) this.splitViews.shift()
    this.dispatchEvent(new CustomEvent<SplitViewReport>('split-view', { detail: report }))
  }

  private async load (options: StoreOptions): Promise<void> {
    const store = this.init.store
    if (store === undefined) return
    this.loaded ??= (async () => {
      for await (const [, bytes] of store.list(this.prefix, options)) {
        try {
          const checkpoint = checkpointFromJson(JSON.parse(utf8Decode(bytes)))
          this.held.set(checkpoint.log, checkpoint)
        } catch (error) {
          // A damaged entry loses only that log's history: it is trusted afresh on first use.
          if (!(error instanceof SlurpError) && !(error instanceof SyntaxError)) throw error
        }
      }
    })().catch(error => {
      this.loaded = undefined
      throw error
    })
    await this.loaded
  }
}

function splitMessage (held: SignedCheckpoint, offered: SignedCheckpoint): string {
  const describe = (c: SignedCheckpoint): string => `size ${c.size} root ${toBase64url(c.root)}`
  if (offered.size === held.size) return `${offered.log} signed two different logs of ${offered.size} entries: ${describe(held)} and ${describe(offered)}`
  if (offered.size < held.size && offered.time >= held.time) return `${offered.log} signed a log of ${offered.size} entries (${describe(offered)}) after one of ${held.size} (${describe(held)}): its history was rolled back`
  return `${offered.log} showed a log (${describe(offered)}) it does not prove consistent with the one it showed before (${describe(held)})`
}
