import type { PeerId } from '@libp2p/interface'
import { dhtKey, normaliseAddress } from './address/index.ts'
import { merge as mergeClocks } from './clock/vector-clock.ts'
import type { VectorClock } from './clock/vector-clock.ts'
import type { RoleKeyring } from './crypto/keyring.ts'
import { toBase64url } from './encoding/base64url.ts'
import { NetworkError, NotFoundError, ReplicationError, SlurpError, UsageError, WriteNotAllowedError, throwIfAborted } from './errors.ts'
import { KeepConnected } from './net/keep-connected.ts'
import { closestRelays } from './net/closest.ts'
import { askClosest } from './net/fan-out.ts'
import { createSlurpNode } from './net/node.ts'
import type { SlurpLibp2p, SlurpNodeInit } from './net/node.ts'
import { requestRecord } from './net/record-protocol.ts'
import { announceRole, findPeersByRole } from './net/role-discovery.ts'
import { createContextRecord, openContextRecord } from './record/context-record.ts'
import type { ContextDraft, ContextItem } from './record/context-item.ts'
import type { RecordEnvelope } from './record/envelope.ts'
import { mergeVersion } from './record/siblings.ts'
import { validateRecord } from './record/validator.ts'
import type { ValidationContext } from './record/validator.ts'
import { isContentType, mayWrite } from './roles/authority.ts'
import type { ContentType } from './roles/authority.ts'
import type { MembershipCertificate } from './trust/certificate.ts'
import type { Policy } from './trust/policy.ts'
import type { SigningKey } from './trust/signing-key.ts'

export interface PeerInit {
  /** The network root and its verified policy. */
  readonly network: { readonly rootPublicKey: Uint8Array, readonly policy: Policy }
  /** This member's key and its root-issued certificate (needed to write). */
  readonly member?: { readonly signer: SigningKey, readonly certificate: MembershipCertificate }
  /** The role identities held (needed to read). */
  readonly keyring: RoleKeyring
  /** Relay multiaddrs (with /p2p/ ids) to join through, and to redial when they come back. */
  readonly bootstrap?: readonly string[]
  /** How many relays hold each record (k). Default 3. */
  readonly replicationFactor?: number
  /** Fewer acknowledgements than this and put throws ReplicationError. Default: a majority of k. */
  readonly minReplicas?: number
  /** libp2p options for the peer's own node (transports, keys, listen addresses). */
  readonly node?: Partial<Omit<SlurpNodeInit, 'kind'>>
}

export interface PutOptions {
  /** The role to write as: the record is encrypted to readersOf(as). */
  readonly as: string
  readonly type?: ContentType
  readonly signal?: AbortSignal
}

export interface PutResult {
  readonly address: string
  readonly key: string
  /** The new version's vector clock. */
  readonly version: VectorClock
  /** Relays that acknowledged (stored, replaced, kept as sibling, or already had it). */
  readonly replicas: number
  readonly target: number
}

export interface RecordMeta {
  readonly key: string
  readonly version: VectorClock
  readonly author: string
  readonly role: string
  readonly contentType: string
  readonly created: number
  readonly updated: number
  /** Relays that returned this version. */
  readonly replicas: number
  /** The held role whose key opened it. */
  readonly readAs: string
}

export interface Conflict {
  readonly meta: Omit<RecordMeta, 'readAs' | 'replicas'>
  /** The sibling's content, when a held role can read it. */
  readonly item?: ContextItem
}

export interface GetResult {
  readonly item: ContextItem
  readonly meta: RecordMeta
  /** Concurrent versions that lost the deterministic choice; empty when there is no conflict. */
  readonly conflicts: readonly Conflict[]
}

export interface GetOptions {
  /** Read as this role only (default: any held role). */
  readonly as?: string
  readonly signal?: AbortSignal
}

interface Fetched {
  siblings: RecordEnvelope[]
  /** How many relays returned each version, by signature. */
  holders: Map<string, number>
  answered: number
  asked: number
}

/**
 * A participant in the mesh: encrypts and signs what it writes, stores it on the
 * k relays closest to its key, and reads, verifies and decrypts what they hold.
 * The node runs kad-dht in client mode: it queries the DHT but serves nothing.
 */
export class SlurpPeer {
  readonly replicationFactor: number
  readonly minReplicas: number
  private node: SlurpLibp2p | undefined
  private keepConnected: KeepConnected | undefined
  private starting: Promise<void> | undefined

  constructor (private readonly init: PeerInit) {
    this.replicationFactor = init.replicationFactor ?? 3
    this.minReplicas = init.minReplicas ?? Math.ceil(this.replicationFactor / 2)
    if (this.minReplicas < 1 || this.minReplicas > this.replicationFactor) {
      throw new UsageError(`minReplicas must be between 1 and the replication factor (${this.replicationFactor})`)
    }
  }

  get libp2p (): SlurpLibp2p {
    if (this.node === undefined) throw new UsageError('the peer is not started')
    return this.node
  }

  get peerId (): PeerId {
    return this.libp2p.peerId
  }

  /** Idempotent; resolves once the bootstrap relays have been dialled (or tried). */
  async start (options: { signal?: AbortSignal } = {}): Promise<void> {
    this.starting ??= (async () => {
      const node = await createSlurpNode({ ...this.init.node, kind: 'peer' })
      await node.start()
      this.node = node
      this.keepConnected = new KeepConnected(node, this.init.bootstrap ?? [])
      await this.keepConnected.tick(options.signal)
      this.keepConnected.start()
    })()
    await this.starting
  }

  /** Idempotent. */
  async stop (): Promise<void> {
    const starting = this.starting
    if (starting === undefined) return
    this.starting = undefined
    await starting.catch(() => {})
    this.keepConnected?.stop()
    await this.node?.stop()
    this.node = undefined
  }

  private validation (): ValidationContext {
    return { rootPublicKey: this.init.network.rootPublicKey, policy: this.init.network.policy }
  }

  async put (address: string, draft: ContextDraft, options: PutOptions): Promise<PutResult> {
    const member = this.init.member
    if (member === undefined) throw new UsageError('this peer has no membership certificate, so it cannot write')
    const canonical = normaliseAddress(address)
    const type = options.type ?? draft.contentType ?? 'context'
    if (!isContentType(type)) throw new UsageError(`unknown content type "${String(type)}"`)
    const policy = this.init.network.policy
    const role = policy.roles[options.as]
    if (!member.certificate.roles.includes(options.as) || role === undefined) {
      throw new WriteNotAllowedError(`this member is not certified for role "${options.as}"`)
    }
    if (!mayWrite(policy.writeRules, role.authority, type)) {
      throw new WriteNotAllowedError(`role "${options.as}" (${role.authority}) may not write ${type} records`)
    }
    const key = await dhtKey(canonical)
    const relays = await this.candidates(key, options.signal)

    // Read first, so the new version's clock dominates every version out there:
    // the write supersedes them all and resolves any conflict.
    const current = await this.fetch(key, relays, options.signal)
    const clock = current.siblings.reduce<VectorClock>((acc, sibling) => mergeClocks(acc, sibling.clock), {})
    const created = current.siblings.length > 0 ? Math.min(...current.siblings.map(s => s.created)) : undefined
    const record = await createContextRecord({
      policy,
      author: { signer: member.signer, certificate: member.certificate, role: options.as },
      address: canonical,
      draft,
      contentType: type,
      ...(current.siblings.length > 0 ? { previous: { clock, ...(created === undefined ? {} : { created }) } } : {})
    })

    const { answers, failures } = await askClosest(relays, this.replicationFactor, async relay =>
      await requestRecord(this.libp2p, relay, { op: 'put', key, record: record.bytes }, { signal: options.signal }))
    const acknowledged = answers.filter(answer => answer.value.status === 'ok').length
    if (acknowledged < this.minReplicas) {
      const reasons = [
        ...answers.filter(answer => answer.value.status !== 'ok').map(answer => `${answer.value.code}: ${answer.value.message}`),
        ...failures.map(failure => failure.error.message)
      ]
      throw new ReplicationError(`only ${acknowledged} of ${this.replicationFactor} relays stored the record (need ${this.minReplicas}): ${reasons.join('; ')}`, acknowledged, this.minReplicas)
    }
    return { address: canonical, key, version: record.envelope.clock, replicas: acknowledged, target: this.replicationFactor }
  }

  async get (address: string, options: GetOptions = {}): Promise<GetResult> {
    const canonical = normaliseAddress(address)
    const key = await dhtKey(canonical)
    const fetched = await this.fetch(key, await this.candidates(key, options.signal), options.signal)
    if (fetched.siblings.length === 0) {
      if (fetched.answered === 0) throw new NetworkError(`none of the ${fetched.asked} relays for ${canonical} answered`)
      throw new NotFoundError(`nothing is stored at ${canonical}`)
    }
    const keyring = options.as === undefined ? this.init.keyring : this.init.keyring.only([options.as])
    const [winner, ...others] = fetched.siblings as [RecordEnvelope, ...RecordEnvelope[]]
    const { item, role } = await openContextRecord(winner, keyring)
    const conflicts = await Promise.all(others.map(async sibling => {
      const opened = await openContextRecord(sibling, keyring).catch(() => undefined)
      return { meta: metaOf(sibling), ...(opened === undefined ? {} : { item: opened.item }) }
    }))
    return {
      item,
      meta: { ...metaOf(winner), replicas: fetched.holders.get(toBase64url(winner.signature)) ?? 0, readAs: role },
      conflicts
    }
  }

  /**
   * Every version the relays hold for `key`, each verified here too (a relay is
   * trusted to store, never to vouch), merged into one sibling set.
   */
  private async fetch (key: string, relays: PeerId[], signal?: AbortSignal): Promise<Fetched> {
    throwIfAborted(signal)
    const { answers, failures } = await askClosest(relays, this.replicationFactor, async relay =>
      await requestRecord(this.libp2p, relay, { op: 'get', key }, { signal }))
    let siblings: readonly RecordEnvelope[] = []
    const holders = new Map<string, number>()
    let answered = 0
    for (const { value: answer } of answers) {
      if (answer.status !== 'ok') continue
      answered++
      for (const bytes of answer.records) {
        try {
          const envelope = await validateRecord(bytes, this.validation(), key)
          const id = toBase64url(envelope.signature)
          holders.set(id, (holders.get(id) ?? 0) + 1)
          siblings = mergeVersion(siblings, envelope).siblings
        } catch (error) {
          if (!(error instanceof SlurpError)) throw error
          // An invalid record from a relay is skipped: it cannot be served as truth.
        }
      }
    }
    return { siblings: [...siblings], holders, answered, asked: answers.length + failures.length }
  }

  /** The relays to ask for `key`, closest first, with stand-ins for unreachable ones. */
  private async candidates (key: string, signal?: AbortSignal): Promise<PeerId[]> {
    const relays = await closestRelays(this.libp2p, this.libp2p.services.dht, key, this.replicationFactor * 2, { signal })
    if (relays.length === 0) throw new NetworkError('no relays are reachable: check the bootstrap addresses')
    return relays
  }

  /**
   * Where an address is stored: its key, the relays responsible for it and how
   * many versions each holds (0 = missing there). Nothing is decrypted.
   */
  async locate (address: string, options: { signal?: AbortSignal } = {}): Promise<{ address: string, key: string, target: number, replicas: number, relays: Array<{ peerId: string, versions: number | null }> }> {
    const canonical = normaliseAddress(address)
    const key = await dhtKey(canonical)
    const { answers, failures } = await askClosest(await this.candidates(key, options.signal), this.replicationFactor, async relay =>
      await requestRecord(this.libp2p, relay, { op: 'get', key }, options))
    const report = [
      ...answers.map(({ peer, value }) => ({ peerId: peer.toString(), versions: value.status === 'ok' ? value.records.length : null })),
      ...failures.map(({ peer }) => ({ peerId: peer.toString(), versions: null }))
    ]
    return { address: canonical, key, target: this.replicationFactor, replicas: report.filter(r => (r.versions ?? 0) > 0).length, relays: report }
  }

  /** Tells the DHT this peer acts in `role` (seed 003's AnnounceRole). */
  async announceRole (role: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await announceRole(this.libp2p.services.dht, this.init.network.policy.network, role, options)
  }

  async findPeersByRole (role: string, options: { signal?: AbortSignal, limit?: number } = {}): Promise<PeerId[]> {
    return await findPeersByRole(this.libp2p.services.dht, this.init.network.policy.network, role, options)
  }

  /** Connections and DHT state, for status displays. */
  status (): { peerId: string, connections: number, relays: string[], dhtMode: string } {
    const node = this.libp2p
    return {
      peerId: node.peerId.toString(),
      connections: node.getConnections().length,
      relays: [...new Set(node.getConnections().map(c => c.remotePeer.toString()))],
      dhtMode: node.services.dht.getMode()
    }
  }
}

function metaOf (envelope: RecordEnvelope): Omit<RecordMeta, 'readAs' | 'replicas'> {
  return {
    key: envelope.key,
    version: envelope.clock,
    author: toBase64url(envelope.author),
    role: envelope.role,
    contentType: envelope.contentType,
    created: envelope.created,
    updated: envelope.updated
  }
}

export async function createPeer (init: PeerInit): Promise<SlurpPeer> {
  return new SlurpPeer(init)
}
