import type { Libp2p, PeerId } from '@libp2p/interface'
import { toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { AuditVerificationError, NotFoundError } from '../errors.ts'
import type { RejectedDetail, StoredDetail } from '../keeper/record-keeper.ts'
import { inParallel } from '../lock/in-parallel.ts'
import { AUDIT_PROTOCOL, requestCheckpoint, sendCosignature, serveAudit } from '../net/audit-protocol.ts'
import { relayRoster } from '../net/relay-roster.ts'
import { decodeEnvelope } from '../record/envelope.ts'
import type { KVStore, StoreOptions } from '../store/types.ts'
import type { PolicyBook, PolicyChange } from '../trust/policy-book.ts'
import {
  MAX_COSIGNATURES, checkpointFromJson, cosignatureFromJson, sameCheckpoint, signCheckpoint, verifyCosignature, witnessedToJson
} from './checkpoint.ts'
import type { CheckpointSigner, Cosignature, SignedCheckpoint, WitnessedCheckpoint, WitnessedCheckpointJson } from './checkpoint.ts'
import { AuditLog } from './log.ts'
import type { AuditEvent } from './log.ts'
import { Witness } from './witness.ts'

export interface RelayAuditConfig {
  /** How often the relay signs a checkpoint, when its log grew. Default 5 s. */
  readonly checkpointIntervalMs?: number
  /** How often it witnesses every certified relay it is connected to. Default 60 s; 0 turns the timer off (witnessRound still works). */
  readonly witnessIntervalMs?: number
  readonly now?: () => number
  /** Told about failures of the log or of a witness round (never thrown at the relay). */
  readonly onError?: (error: unknown) => void
}

/** Checkpoints kept with their cosignatures: a witness may answer for one after the next is signed. */
const RECENT_CHECKPOINTS = 16
const WITNESS_LANES = 4
const WITNESS_TIMEOUT_MS = 10_000
const CHECKPOINT_KEY = 'audit/checkpoint'

/**
 * A relay's audit log and its part in witnessing others (issue 14 §2): notes
 * what the relay does (keeper and policy events, refusals, repairs), signs a
 * checkpoint every few seconds when the log grew, serves /slurp/audit/1.0.0,
 * and on a timer fetches every certified relay's checkpoint with a
 * consistency proof, verifies it and countersigns it. A relay that shows two
 * histories is reported (a "split-view" entry in this relay's own log).
 * A standalone coordinator keeps one as well, for its elections and term
 * changes (relay/coordinator-runtime.ts), signing checkpoints, witnessing none.
 */
export class RelayAudit {
  readonly log: AuditLog
  private witnessState: Witness | undefined
  private signer: CheckpointSigner | undefined
  private node: Libp2p | undefined
  private recent: Array<{ checkpoint: SignedCheckpoint, cosignatures: Cosignature[] }> = []
  private timers: Array<ReturnType<typeof setInterval>> = []
  private signing: Promise<SignedCheckpoint> | undefined
  private witnessing: Promise<void> | undefined
  private readonly now: () => number

  constructor (private readonly store: KVStore, private readonly config: RelayAuditConfig = {}) {
    this.now = config.now ?? Date.now
    this.log = new AuditLog({ store, now: this.now, ...(config.onError === undefined ? {} : { onError: config.onError }) })
  }

  /** Notes an entry; never throws (an audit failure must not change what the relay answers). */
  note (event: AuditEvent): void {
    try {
      this.log.append(event)
    } catch (error) {
      this.config.onError?.(error)
    }
  }

  /** Notes what the keeper and the policy book report, from now on. */
  watch (sources: { readonly keeper: EventTarget, readonly policyBook: PolicyBook }): void {
    sources.keeper.addEventListener('stored', event => {
      const { key, outcome, origin } = (event as CustomEvent<StoredDetail>).detail
      this.note({ kind: outcome, key, origin })
    })
    sources.keeper.addEventListener('rejected', event => {
      const { key, code, origin } = (event as CustomEvent<RejectedDetail>).detail
      // A relay offering a version older than the one held is how replication
      // goes, not a decision about a write: left out, or every sync would log.
      if (origin === 'replica' && code === 'ERR_STALE_RECORD') return
      this.note({ kind: 'rejected', key, origin, code })
    })
    sources.keeper.addEventListener('removed', event => {
      this.note({ kind: 'cleaned-up', key: (event as CustomEvent<{ key: string }>).detail.key })
    })
    sources.policyBook.addEventListener('change', event => {
      const { policy, previous } = (event as CustomEvent<PolicyChange>).detail
      this.note({ kind: 'policy', version: policy.version })
      const known = new Set((previous.revoked ?? []).map(revocation => `${revocation.member} ${revocation.at}`))
      for (const revocation of policy.revoked ?? []) {
        if (!known.has(`${revocation.member} ${revocation.at}`)) this.note({ kind: 'revocation', member: revocation.member, at: revocation.at, version: policy.version })
      }
    })
  }

  /** A write refused before the keeper (quota, free space): its DHT key when the bytes are a record. */
  refused (code: string, record: Uint8Array): void {
    let key: string
    try {
      key = decodeEnvelope(record).key
    } catch {
      return
    }
    this.note({ kind: 'rejected', key, origin: 'member', code })
  }

  /** The witness state (the checkpoints this relay holds for others); undefined before start. */
  get witness (): Witness | undefined {
    return this.witnessState
  }

  /** Reads the log's size and the last checkpoint; the store must be open. */
  async open (options: StoreOptions = {}): Promise<void> {
    await this.log.open(options)
    const saved = await this.store.get(CHECKPOINT_KEY, options)
    if (saved === undefined || this.recent.length > 0) return
    try {
      const json = JSON.parse(utf8Decode(saved)) as WitnessedCheckpointJson
      this.recent = [{ checkpoint: checkpointFromJson(json.checkpoint), cosignatures: json.cosignatures.map(cosignatureFromJson) }]
    } catch (error) {
      this.config.onError?.(error)
    }
  }

  /** Before the node starts: answers witnesses. */
  async serve (node: Libp2p): Promise<void> {
    await serveAudit(node, {
      checkpointFrom: async (from, signal) => await this.checkpointFrom(from, signal),
      cosigned: async (checkpoint, cosignature, peer) => await this.cosigned(checkpoint, cosignature, peer)
    })
  }

  /** Once the node runs, with its key: signs the first checkpoint and starts the timers. Idempotent. */
  async start (node: Libp2p, signer: CheckpointSigner): Promise<void> {
    if (this.node !== undefined) return
    this.node = node
    this.signer = signer
    // Made afresh with the node's key; what it held is in the store.
    const witness = new Witness({ signer, store: this.store, now: this.now })
    witness.addEventListener('split-view', event => {
      this.note({ kind: 'split-view', peer: (event as CustomEvent<{ log: string }>).detail.log })
    })
    this.witnessState = witness
    // A checkpoint from another key (the node's key changed) says nothing about this one.
    if (this.recent[0]?.checkpoint.log !== signer.id) this.recent = []
    await this.checkpoint()
    this.timers.push(setInterval(() => { this.checkpoint().catch(error => this.config.onError?.(error)) }, this.config.checkpointIntervalMs ?? 5000))
    const witnessEvery = this.config.witnessIntervalMs ?? 60_000
    if (witnessEvery > 0) this.timers.push(setInterval(() => { this.witnessRound().catch(error => this.config.onError?.(error)) }, witnessEvery))
  }

  /** Idempotent: stops the timers; a round under way finishes on its own. */
  stop (): void {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    this.node = undefined
  }

  /** Writes what is queued; after it, entries wait for the next open(). */
  async close (): Promise<void> {
    await this.log.close()
  }

  /** The latest signed checkpoint with its cosignatures; undefined before the first. */
  latest (): WitnessedCheckpoint | undefined {
    return this.recent.at(-1)
  }

  /** The newest checkpoint that at least one witness countersigned. */
  latestWitnessed (): WitnessedCheckpoint | undefined {
    return [...this.recent].reverse().find(entry => entry.cosignatures.length > 0)
  }

  /**
   * Signs a checkpoint of everything committed, when the log grew since the
   * last one (or there is none yet); returns the latest either way.
   */
  async checkpoint (): Promise<SignedCheckpoint> {
    this.signing ??= (async () => {
      const signer = this.signer
      if (signer === undefined) throw new NotFoundError('the audit log signs checkpoints once the relay runs')
      await this.log.flush()
      const size = this.log.size
      const last = this.latest()?.checkpoint
      if (last !== undefined && last.size === size) return last
      const checkpoint = await signCheckpoint(signer, { size, root: await this.log.root(size), time: this.now() })
      this.recent.push({ checkpoint, cosignatures: [] })
      if (this.recent.length > RECENT_CHECKPOINTS) this.recent.shift()
      await this.save()
      return checkpoint
    })().finally(() => { this.signing = undefined })
    return await this.signing
  }

  /**
   * One witness round: every certified relay this one is connected to is
   * asked for its checkpoint and a proof from the one held, verified and
   * countersigned. Concurrent calls share one round.
   */
  async witnessRound (): Promise<void> {
    this.witnessing ??= (async () => {
      const node = this.node
      const witness = this.witnessState
      if (node === undefined || witness === undefined) return
      const relays = (relayRoster(node)?.certified() ?? []).filter(peer => node.getConnections(peer).length > 0)
      await inParallel(relays, WITNESS_LANES, async peer => {
        try {
          await this.witnessOne(node, witness, peer)
        } catch (error) {
          this.config.onError?.(error)
        }
      })
    })().finally(() => { this.witnessing = undefined })
    await this.witnessing
  }

  private async witnessOne (node: Libp2p, witness: Witness, peer: PeerId): Promise<void> {
    const known = await node.peerStore.get(peer).catch(() => undefined)
    if (known !== undefined && known.protocols.length > 0 && !known.protocols.includes(AUDIT_PROTOCOL)) return
    const held = await witness.latest(peer.toString())
    const signal = AbortSignal.timeout(WITNESS_TIMEOUT_MS)
    const { checkpoint, proof } = await requestCheckpoint(node, peer, held?.size, { signal })
    if (checkpoint.log !== peer.toString()) throw new AuditVerificationError(`${peer.toString()} answered with the checkpoint of another log (${checkpoint.log})`)
    const cosignature = await witness.observe(checkpoint, proof)
    if (cosignature !== undefined) await sendCosignature(node, peer, checkpoint, cosignature, { signal })
  }

  private async checkpointFrom (from: number | undefined, signal: AbortSignal): Promise<{ checkpoint: SignedCheckpoint, proof: Uint8Array[] }> {
    const checkpoint = this.latest()?.checkpoint
    if (checkpoint === undefined) throw new NotFoundError('this relay has signed no audit checkpoint yet')
    if (from === undefined || from === 0 || from === checkpoint.size) return { checkpoint, proof: [] }
    const [first, second] = from < checkpoint.size ? [from, checkpoint.size] : [checkpoint.size, from]
    // A witness holding more than this relay's latest checkpoint: provable only
    // while the log itself is that long (a relay that lost its log cannot).
    if (second > this.log.size) return { checkpoint, proof: [] }
    signal.throwIfAborted()
    return { checkpoint, proof: await this.log.consistencyProof(first, second) }
  }

  private async cosigned (checkpoint: SignedCheckpoint, cosignature: Cosignature, from: PeerId): Promise<string | undefined> {
    if (cosignature.witness !== from.toString()) return 'a witness hands over its own cosignatures only'
    const roster = this.node === undefined ? undefined : relayRoster(this.node)
    if (roster?.isCertified(from) !== true) return 'only certified relays witness this log'
    const entry = this.recent.find(candidate => sameCheckpoint(candidate.checkpoint, checkpoint) && toBase64url(candidate.checkpoint.signature) === toBase64url(checkpoint.signature))
    if (entry === undefined) return 'not a recent checkpoint of this relay'
    if (!await verifyCosignature(entry.checkpoint, cosignature)) return 'the cosignature does not verify'
    entry.cosignatures = [...entry.cosignatures.filter(other => other.witness !== cosignature.witness), cosignature].slice(-MAX_COSIGNATURES)
    if (entry === this.latest()) await this.save()
    return undefined
  }

  private async save (): Promise<void> {
    const latest = this.latest()
    if (latest === undefined) return
    await this.store.put(CHECKPOINT_KEY, utf8Encode(JSON.stringify(witnessedToJson(latest))))
  }
}
