import type { PeerId } from '@libp2p/interface'
import { merge as mergeClocks } from '../clock/vector-clock.ts'
import type { VectorClock } from '../clock/vector-clock.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { errorClassForCode, isPolicyRefusal } from '../error-codes.ts'
import { ReplicationError, UsageError, WriteNotAllowedError } from '../errors.ts'
import { KeyedLock } from '../lock/keyed-lock.ts'
import { askClosest } from '../net/fan-out.ts'
import type { SlurpLibp2p } from '../net/node.ts'
import type { RecordResponse } from '../net/record-messages.ts'
import { requestRecord } from '../net/record-protocol.ts'
import { createContextRecord } from '../record/context-record.ts'
import type { ContextDraft } from '../record/context-item.ts'
import { recordKey } from '../record/record-key.ts'
import { inheritedFor, withoutInherited } from '../resolve/index.ts'
import type { Resolver } from '../resolve/index.ts'
import { isContentType, mayWrite } from '../roles/authority.ts'
import type { ContentType } from '../roles/authority.ts'
import { readersOf } from '../roles/role.ts'
import type { MembershipCertificate } from '../trust/certificate.ts'
import type { Policy } from '../trust/policy.ts'
import type { SigningKey } from '../trust/signing-key.ts'
import type { RelayReads } from './relay-reads.ts'
import type { GetResult, PutOptions, PutResult } from './types.ts'

export interface RecordWriterInit {
  readonly member?: { readonly signer: SigningKey, readonly certificate: MembershipCertificate }
  /** The policy of the moment (it follows the mesh), once known. */
  readonly keys: { ready: () => Promise<void>, readonly policy: Policy }
  readonly reads: RelayReads
  readonly libp2p: () => SlurpLibp2p
  readonly replicationFactor: number
  readonly minReplicas: number
  /** The peer's cached copy: what a write starts from. */
  readonly cached: (address: string, options: { signal?: AbortSignal }) => Promise<GetResult | undefined>
  /** For put(..., { inherit: true }). */
  readonly resolver: Resolver
  /** A write was stored: tell whoever follows writes (notices, the directory). */
  readonly written: (write: { address: string, type: ContentType, role: string, generated?: { as: string, term: number } }) => void
}

export interface WriteOptions extends PutOptions {
  /**
   * Never retried on top of versions it did not read: a newer version stays a
   * sibling (the directory's union records need that).
   */
  readonly unconditional?: boolean
}

/**
 * How a peer writes a record: checked against the policy, encrypted, signed,
 * and stored on the closest relays, optimistically on top of what it knows.
 * One write at a time per address.
 */
export class RecordWriter {
  private readonly locks = new KeyedLock()
  /** The clock and creation time of this writer's last write per address (see write). */
  private readonly lastWrites = new Map<string, { clock: VectorClock, created: number }>()

  constructor (private readonly init: RecordWriterInit) {}

  /** `canonical` must be a canonical address. */
  async put (canonical: string, draft: ContextDraft, options: WriteOptions): Promise<PutResult> {
    // One after another per address: two writes from one writer that started
    // from the same version would carry the same clock, and never be ordered.
    return await this.locks.run(canonical, async () => await this.write(canonical, draft, options))
  }

  private async write (canonical: string, draft: ContextDraft, options: WriteOptions): Promise<PutResult> {
    const member = this.init.member
    if (member === undefined) throw new UsageError('this peer has no membership certificate, so it cannot write')
    const type = options.type ?? draft.contentType ?? 'context'
    if (!isContentType(type)) throw new UsageError(`unknown content type "${String(type)}"`)
    await this.init.keys.ready()
    const policy = this.init.keys.policy
    const role = policy.roles[options.as]
    if (!member.certificate.roles.includes(options.as) || role === undefined) {
      throw new WriteNotAllowedError(`this member is not certified for role "${options.as}"`)
    }
    if (!mayWrite(policy.writeRules, role.authority, type)) {
      throw new WriteNotAllowedError(`role "${options.as}" (${role.authority}) may not write ${type} records`)
    }
    if (options.inherit === true) {
      const readers = (writer: string): string[] => policy.roles[writer] === undefined ? [] : readersOf(policy.roles, writer)
      draft = withoutInherited(draft, await inheritedFor(this.init.resolver, canonical, readers(options.as), readers, options.signal === undefined ? {} : { signal: options.signal }))
    }
    // Suggestions live beside the context they comment on, at their own key.
    const suggestion = type === 'suggestion'
    const key = await recordKey(canonical, type)
    const relays = await this.init.reads.candidates(key, options.signal)
    const author = { signer: member.signer, certificate: member.certificate, role: options.as }
    const lastWrite = suggestion ? `${SUGGESTION_WRITE}${canonical}` : canonical

    // Optimistic: write on top of the versions this peer knows of (its last
    // write here, its cached copy) and ask relays to store it only if it
    // supersedes all they hold. A relay holding more answers with what it
    // holds, and the next attempt is written on top of that too. A fresh
    // address, or one nobody else wrote since this peer last saw it, costs one
    // round trip instead of a read and a write. After OPTIMISTIC_ATTEMPTS (a
    // writer racing this one each time) the write is stored unconditionally,
    // as a sibling of what it could not supersede.
    // A suggestion is written on top of this author's own suggestions only,
    // unconditionally: every author's suggestion is a sibling of the others.
    let base = suggestion ? await this.suggestionBase(key, lastWrite, relays, options.signal) : await this.writeBase(canonical, options.signal)
    let record: Awaited<ReturnType<typeof createContextRecord>>
    let outcome: Awaited<ReturnType<typeof askClosest<RecordResponse>>>
    for (let attempt = 1; ; attempt++) {
      const ifNewest = !suggestion && options.unconditional !== true && attempt <= OPTIMISTIC_ATTEMPTS
      record = await createContextRecord({
        policy,
        author,
        address: canonical,
        draft,
        contentType: type,
        ...(Object.keys(base.clock).length > 0 ? { previous: base } : {}),
        ...(options.generation === undefined ? {} : { generation: options.generation })
      })
      // This writer's own entry must grow with every write, even when its earlier
      // write is out of reach (a partition): two different records under one clock
      // could never be ordered, and replicas holding one or the other never converge.
      this.lastWrites.set(lastWrite, { clock: record.envelope.clock, created: record.envelope.created })
      outcome = await askClosest(relays, this.init.replicationFactor, async relay =>
        await requestRecord(this.init.libp2p(), relay, { op: 'put', key, record: record.bytes, ...(ifNewest ? { ifNewest: true } : {}) }, this.init.reads.send(options.signal)))
      const conflicts = outcome.answers.map(answer => answer.value).filter(answer => answer.code === 'ERR_VERSION_CONFLICT')
      if (!ifNewest || conflicts.length === 0) break
      const { siblings: held } = await this.init.reads.verifiedVersions(key, conflicts)
      base = {
        clock: held.reduce<VectorClock>((acc, version) => mergeClocks(acc, version.clock), record.envelope.clock),
        created: Math.min(record.envelope.created, ...held.map(version => version.created))
      }
    }
    const { answers, failures } = outcome
    const acknowledged = answers.filter(answer => answer.value.status === 'ok').length
    if (acknowledged < this.init.minReplicas) {
      // A refusal under the policy is not a network failure: retrying will not help.
      const refusal = answers.find(answer => isPolicyRefusal(answer.value.code))
      const Refusal = refusal === undefined ? undefined : errorClassForCode(refusal.value.code)
      if (refusal !== undefined && Refusal !== undefined) {
        throw new Refusal(`relay ${shortId(refusal.peer)} refused the write (${refusal.value.code}) under policy version ${this.init.keys.policy.version}: ${refusal.value.message}`)
      }
      // Which relays it knew, which it asked and what each said: "only 1 of 3"
      // alone left a user guessing whether relays refused or were never found.
      const said = [
        ...answers.map(answer => `${shortId(answer.peer)}: ${answer.value.status === 'ok' ? 'stored' : `${answer.value.code} ${answer.value.message}`}`),
        ...failures.map(failure => `${shortId(failure.peer)}: ${failure.error.message}`)
      ]
      const known = relays.length < this.init.replicationFactor ? `; it knew only ${relays.length} certified relay${relays.length === 1 ? '' : 's'} (${relays.map(shortId).join(', ')}): check --bootstrap and that the relays hold relay certificates` : ''
      throw new ReplicationError(`only ${acknowledged} of ${this.init.replicationFactor} relays stored the record (need ${this.init.minReplicas}); asked ${said.length}: ${said.join('; ')}${known}`, acknowledged, this.init.minReplicas)
    }
    // A generated record is listed in the directory of the role it was generated for, which the leader writes stamped as it wrote the record.
    this.init.written({ address: canonical, type, role: options.generation?.forRole ?? options.as, ...(options.generation === undefined ? {} : { generated: { as: options.as, term: options.generation.term } }) })
    return { address: canonical, key, version: record.envelope.clock, replicas: acknowledged, target: this.init.replicationFactor }
  }

  /** What a write starts from: this writer's last write here merged with its cached copy. */
  private async writeBase (address: string, signal?: AbortSignal): Promise<{ clock: VectorClock, created?: number }> {
    const last = this.lastWrites.get(address)
    const cached = await this.init.cached(address, signal === undefined ? {} : { signal })
    const clocks = [last?.clock ?? {}, ...(cached === undefined ? [] : [cached.meta.version, ...cached.conflicts.map(conflict => conflict.meta.version)])]
    const created = [last?.created, cached?.meta.created].filter((time): time is number => time !== undefined)
    return { clock: clocks.reduce(mergeClocks, {}), ...(created.length > 0 ? { created: Math.min(...created) } : {}) }
  }

  /**
   * What this author's next suggestion for an address starts from: its own
   * counter there (its last write, or the highest its verified suggestions at
   * the relays carry), and no one else's, so it replaces only its own.
   */
  private async suggestionBase (key: string, lastWrite: string, relays: PeerId[], signal?: AbortSignal): Promise<{ clock: VectorClock, created?: number }> {
    const me = toBase64url((this.init.member as NonNullable<RecordWriterInit['member']>).signer.publicKey)
    const last = this.lastWrites.get(lastWrite)
    const mine = (await this.init.reads.fetch(key, relays, signal)).siblings.filter(version => toBase64url(version.author) === me)
    const counter = Math.max(last?.clock[me] ?? 0, ...mine.map(version => version.clock[me] ?? 0))
    const created = [last?.created, ...mine.map(version => version.created)].filter((time): time is number => time !== undefined)
    return { clock: counter === 0 ? {} : { [me]: counter }, ...(created.length > 0 ? { created: Math.min(...created) } : {}) }
  }
}

/** The end of a peer id: enough to tell relays apart in a message. */
export function shortId (peer: PeerId): string {
  return `…${peer.toString().slice(-8)}`
}

// lastWrites entries for an address's suggestions, beside its own entry.
const SUGGESTION_WRITE = 'suggestion:'
// Conditional attempts of one write before it is stored unconditionally (see put).
const OPTIMISTIC_ATTEMPTS = 3
