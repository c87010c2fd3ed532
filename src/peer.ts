import type { PeerId } from '@libp2p/interface'
import { dhtKey, normaliseAddress } from './address/index.ts'
import type { RoleKeyring } from './crypto/keyring.ts'
import { toBase64url } from './encoding/base64url.ts'
import { ContextCache } from './peer/context-cache.ts'
import { PeerKeys } from './peer/peer-keys.ts'
import { RelayReads } from './peer/relay-reads.ts'
import { RecordWriter } from './peer/record-writer.ts'
import { Rereads } from './peer/rereads.ts'
import { putMany } from './peer/put-many.ts'
import type { PutManyItem, PutManyOptions, PutManyResult } from './peer/put-many.ts'
import { getMany } from './peer/get-many.ts'
import type { GetManyOptions, GetManyResult } from './peer/get-many.ts'
import type { KeysChangedDetail, ReaderKeyStatus } from './peer/peer-keys.ts'
import type { GetOptions, GetResult, PutOptions, PutResult, ReplicationStatus, SearchQuery, Suggestion, UpdateDetail } from './peer/types.ts'
import { replicationStatusOf } from './peer/replication-status.ts'
import { metaOf } from './peer/record-meta.ts'
import { historyEntries } from './peer/history.ts'
import type { HistoryEntry } from './peer/history.ts'
import { createMemoryStore } from './store/memory.ts'
import type { KVStore } from './store/types.ts'
import { NetworkError, NotFoundError, UsageError, throwIfAborted } from './errors.ts'
import { KeepConnected } from './net/keep-connected.ts'
import { askClosest } from './net/fan-out.ts'
import { connectPeer, directPeers } from './net/direct-peers.ts'
import type { PeerLink } from './net/direct-peers.ts'
import { createSlurpNode } from './net/node.ts'
import type { SlurpLibp2p, SlurpNodeInit } from './net/node.ts'
import { relayRoster } from './net/relay-roster.ts'
import { requestRecord } from './net/record-protocol.ts'
import type { NetworkFaults } from './net/request-response.ts'
import { announceRole, findPeersByRole } from './net/role-discovery.ts'
import { sendNotices, serveNotices } from './net/write-notices.ts'
import { openContextRecord } from './record/context-record.ts'
import type { ContextDraft } from './record/context-item.ts'
import type { RecordEnvelope } from './record/envelope.ts'
import { suggestionKey } from './record/record-key.ts'
import type { ValidationContext } from './record/validator.ts'
import { readableBy } from './roles/role.ts'
import { Directory } from './directory/directory.ts'
import type { ListOptions, Listing } from './directory/directory.ts'
import { isReservedAddress } from './directory/layout.ts'
import { Decisions } from './decisions/decisions.ts'
import type { DecisionsForOptions, RecordDecisionOptions, RecordedDecision } from './decisions/decisions.ts'
import type { DecisionHit } from './decisions/graph.ts'
import type { DecisionDraft } from './decisions/decision-fields.ts'
import { Resolver } from './resolve/index.ts'
import { CacheSearch } from './search/cache-search.ts'
import type { FindResults } from './search/cache-search.ts'
import type { FindQuery } from './search/search-index.ts'
import { followProject } from './search/follow.ts'
import type { FollowOptions, FollowReport } from './search/follow.ts'
import type { Resolution, ResolveOptions } from './resolve/index.ts'
import type { MembershipCertificate } from './trust/certificate.ts'
import type { Policy, SignedPolicy } from './trust/policy.ts'
import type { SigningKey } from './trust/signing-key.ts'

export interface PeerInit {
  /**
   * The network root and its verified policy. With the signed document too,
   * this peer passes the policy on to nodes that hold an older one; either
   * way it takes newer ones the root signed from the nodes it meets.
   */
  readonly network: { readonly rootPublicKey: Uint8Array, readonly policy: Policy, readonly signedPolicy?: SignedPolicy }
  /**
   * This member's key and its root-issued certificate (needed to write).
   * `deliveryIdentity` (memberIdentity of its seed) opens the key bundles the
   * root publishes for it after a rotation.
   */
  readonly member?: { readonly signer: SigningKey, readonly certificate: MembershipCertificate, readonly deliveryIdentity?: string }
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
  /** Message-level fault injection (tests). */
  readonly faults?: NetworkFaults
  /** How long a DHT lookup for relays may take when too few are known. Default 3 s. */
  readonly lookupTimeoutMs?: number
  /** Where decrypted reads are kept for offline reads, search and sync(). Memory by default. */
  readonly cache?: KVStore
  /** How long a decrypted item stays cached without being read again. Default 7 days. */
  readonly cacheTtlMs?: number
  /** When no relay answers, get() serves the cached copy (flagged `offline`) instead of throwing. Default false. */
  readonly offlineReads?: boolean
  /**
   * Tell directly connected peers (connect()) about each write, and re-read
   * what they say they wrote when this peer has read it before. Default true.
   */
  readonly writeNotices?: boolean
  /**
   * List what this peer writes in its project's directory (list()). Default
   * true. Off, writes stay readable at their address but other devices do not
   * list them: for tools that must add no record beyond the ones they write.
   */
  readonly listWrites?: boolean
}

export type { Conflict, GetOptions, GetResult, Health, PutOptions, PutResult, RecordMeta, ReplicationStatus, SearchQuery, Suggestion, UpdateDetail } from './peer/types.ts'

/**
 * A participant in the mesh: encrypts and signs what it writes, stores it on the
 * k relays closest to its key, and reads, verifies and decrypts what they hold.
 * The node runs kad-dht in client mode: it queries the DHT but serves nothing.
 */
export class SlurpPeer extends EventTarget {
  readonly replicationFactor: number
  readonly minReplicas: number
  private node: SlurpLibp2p | undefined
  private keepConnected: KeepConnected | undefined
  private starting: Promise<void> | undefined

  private readonly cache: ContextCache
  private readonly finder: CacheSearch
  private readonly keys: PeerKeys
  private readonly reads: RelayReads
  private readonly writer: RecordWriter
  /** Re-reads of addresses a connected peer said it wrote. */
  private readonly rereads = new Rereads(async address => { await this.reread(address) })
  private readonly directory = new Directory({
    get: async (address, options) => await this.get(address, options),
    cached: async (address, options) => await this.cached(address, options),
    // On top of what it just read, never retried on top of what it did not: a newer version stays a sibling, and readers take the union.
    write: async (address, draft, options) => await this.writer.put(address, draft, { ...options, unconditional: true }),
    readableRoles: as => {
      const readers = as === undefined ? this.init.keyring.roles() : [as]
      const roles = this.keys.policy.roles
      return [...new Set(readers.filter(reader => roles[reader] !== undefined).flatMap(reader => readableBy(roles, reader)))].sort()
    }
  })

  private readonly decisions = new Decisions({
    list: async (project, options) => await this.list(project, options),
    get: async (address, options) => await this.get(address, options),
    cached: async address => await this.cached(address),
    put: async (address, draft, options) => await this.put(address, draft, options),
    holds: role => this.init.member?.certificate.roles.includes(role) === true && this.init.keyring.has(role)
  })

  private readonly resolver = new Resolver({
    get: async (address, options) => await this.get(address, options),
    cached: async (address, options) => await this.cached(address, options)
  })

  constructor (private readonly init: PeerInit) {
    super()
    const store = init.cache ?? createMemoryStore()
    this.cache = new ContextCache(store, init.cacheTtlMs ?? 7 * 86_400_000)
    this.finder = new CacheSearch(this.cache, store)
    const member = init.member?.deliveryIdentity === undefined ? undefined : { id: toBase64url(init.member.signer.publicKey), identity: init.member.deliveryIdentity }
    this.keys = new PeerKeys(init.network.rootPublicKey, { policy: init.network.policy, ...(init.network.signedPolicy === undefined ? {} : { signed: init.network.signedPolicy }) }, init.keyring, member,
      detail => {
        // What the new keys open differs: the index is rebuilt from the cache at the next find.
        this.finder.invalidate().catch(() => {})
        this.dispatchEvent(new CustomEvent<KeysChangedDetail>('keys', { detail }))
      })
    this.replicationFactor = init.replicationFactor ?? 3
    this.minReplicas = init.minReplicas ?? Math.ceil(this.replicationFactor / 2)
    if (this.minReplicas < 1 || this.minReplicas > this.replicationFactor) {
      throw new UsageError(`minReplicas must be between 1 and the replication factor (${this.replicationFactor})`)
    }
    this.reads = new RelayReads({
      libp2p: () => this.libp2p,
      replicationFactor: this.replicationFactor,
      validation: () => this.validation(),
      ...(init.faults === undefined ? {} : { faults: init.faults }),
      ...(init.lookupTimeoutMs === undefined ? {} : { lookupTimeoutMs: init.lookupTimeoutMs })
    })
    this.writer = new RecordWriter({
      ...(init.member === undefined ? {} : { member: init.member }),
      keys: this.keys,
      reads: this.reads,
      libp2p: () => this.libp2p,
      replicationFactor: this.replicationFactor,
      minReplicas: this.minReplicas,
      cached: async (address, options) => await this.cached(address, options),
      resolver: this.resolver,
      written: ({ address, type, role, generated }) => {
        if (this.init.writeNotices !== false) sendNotices(this.libp2p, address).catch(() => {})
        if (type !== 'suggestion' && this.init.listWrites !== false && !isReservedAddress(address)) this.directory.note(address, type, role, generated)
      }
    })
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
      await this.cache.open(options)
      const node = await createSlurpNode({ ...this.init.node, kind: 'peer', rootPublicKey: this.init.network.rootPublicKey })
      await this.keys.start(node)
      await node.start()
      this.node = node
      if (this.init.writeNotices !== false) await serveNotices(node, address => { this.noticed(address) })
      this.keepConnected = new KeepConnected(node, this.init.bootstrap ?? [])
      const reached = await this.keepConnected.tick(options.signal)
      this.keepConnected.start()
      await this.untilIdentified(reached, options.signal)
      await this.keys.catchUp(node, reached, options.signal)
    })()
    await this.starting
  }

  /** The newest root-signed policy this peer has verified (it follows the mesh: see "keys" events). */
  get policy (): Policy {
    return this.keys.policy
  }

  /** The signed policy document this peer holds, when it has one to pass on. */
  get signedPolicy (): SignedPolicy | undefined {
    return this.keys.book.signed
  }

  /** Every reader set's key epoch, and whether this peer's roles open it. */
  readerKeys (): ReaderKeyStatus[] {
    return this.keys.readerKeys()
  }

  /**
   * Makes sure the connected relays hold this peer's policy (after an admin
   * signed a new one): returns how many relays were asked and how many now
   * hold this version or a newer one.
   */
  async publishPolicy (options: { signal?: AbortSignal } = {}): Promise<{ relays: number, current: number }> {
    const relays = relayRoster(this.libp2p)?.certified().filter(peer => this.libp2p.getConnections(peer).length > 0) ?? []
    return { relays: relays.length, current: await this.keys.publish(this.libp2p, relays, options.signal) }
  }

  /** Hands this peer a signed policy (from a file, an admin tool); taken when newer and valid, then spread. */
  async offerPolicy (signed: unknown): Promise<boolean> {
    const taken = await this.keys.book.offer(signed)
    await this.keys.ready()
    return taken
  }

  /**
   * A dialled relay counts once identify has brought its relay certificate; a
   * get, put or status straight after start() would otherwise ask only the
   * relays identified first (a CLI status counted 2 replicas of 3 so).
   * Bounded: with no relay reachable, start() still returns and reads say so.
   */
  private async untilIdentified (peers: readonly PeerId[], signal?: AbortSignal): Promise<void> {
    const roster = relayRoster(this.libp2p)
    if (roster === undefined) return
    const bounded = AbortSignal.any([AbortSignal.timeout(2000), ...(signal === undefined ? [] : [signal])])
    await Promise.all(peers.map(async peer => await roster.untilChecked(peer, bounded)))
    throwIfAborted(signal)
  }

  /** Idempotent. */
  async stop (): Promise<void> {
    const starting = this.starting
    if (starting === undefined) return
    this.starting = undefined
    await starting.catch(() => {})
    // What was written is listed before the node goes: a later flush has no node to write with.
    if (this.directory.backlog > 0) await this.directory.flush({ signal: AbortSignal.timeout(STOP_FLUSH_MS) }).catch(() => {})
    this.keepConnected?.stop()
    this.keys.stop()
    await this.node?.stop()
    this.node = undefined
    await this.finder.save().catch(() => {})
    await this.cache.close()
  }

  private validation (): ValidationContext {
    return { rootPublicKey: this.init.network.rootPublicKey, policy: this.keys.policy }
  }

  async put (address: string, draft: ContextDraft, options: PutOptions): Promise<PutResult> {
    const canonical = normaliseAddress(address)
    if (isReservedAddress(canonical)) throw new UsageError(`${canonical} is under /.slurp/, which holds slurp's own records (the directory)`)
    // One after another per address: two writes from one writer that started
    // from the same version would carry the same clock, and never be ordered.
    return await this.writer.put(canonical, draft, options)
  }

  /**
   * Many writes, pipelined (`concurrency` in flight, default 32), each
   * acknowledged by its relays; failures are reported per item (putMany).
   */
  async putMany (items: readonly PutManyItem[], options: PutManyOptions = {}): Promise<PutManyResult> {
    return await putMany(async (address, draft, putOptions) => await this.put(address, draft, putOptions), items, options)
  }

  /** Many reads, `concurrency` at once (default 32); each address is reported found, failed or unfinished (getMany). */
  async getMany (addresses: readonly string[], options: GetManyOptions = {}): Promise<GetManyResult> {
    return await getMany(async (address, getOptions) => await this.get(address, getOptions), addresses, options)
  }

  /**
   * Every suggestion the relays hold for `address`, one per author, newest
   * first, that a held role can read (the rest are skipped). Suggestions live
   * beside the address's context (get), never on top of it.
   */
  async suggestions (address: string, options: GetOptions = {}): Promise<Suggestion[]> {
    const canonical = normaliseAddress(address)
    const key = await suggestionKey(canonical)
    const fetched = await this.reads.fetch(key, await this.reads.candidates(key, options.signal), options.signal)
    if (fetched.answered === 0) throw new NetworkError(`none of the ${fetched.asked} relays for ${canonical}'s suggestions answered`)
    await this.keys.ready()
    const keyring = options.as === undefined ? this.init.keyring : this.init.keyring.only([options.as])
    const found: Suggestion[] = []
    for (const version of fetched.siblings) {
      const opened = await openContextRecord(version, keyring).catch(() => undefined)
      if (opened === undefined) continue
      found.push({ item: opened.item, meta: { ...metaOf(version), replicas: fetched.holders.get(toBase64url(version.signature)) ?? 0, readAs: opened.role } })
    }
    return found.sort((a, b) => b.meta.updated - a.meta.updated)
  }

  /**
   * Another peer (or another tab) says it wrote `address`. The notice is only
   * a hint: what this peer has read before is read again from the relays
   * (which fires "update" when there is a newer version); anything else is
   * ignored. A notice during a re-read of the same address makes one more
   * after it, never a second one beside it (Rereads).
   */
  protected noticed (address: string): void {
    this.rereads.notice(address).catch(() => {})
  }

  private async reread (address: string): Promise<void> {
    if (await this.cached(address) !== undefined) await this.get(address)
  }

  /**
   * Connects to another peer by an address it shared (addresses()): between
   * browser tabs a direct WebRTC connection, signalled through a relay.
   * Directly connected peers tell each other about writes.
   */
  async connect (address: string, options: { signal?: AbortSignal } = {}): Promise<PeerLink> {
    return await connectPeer(this.libp2p, address, options)
  }

  /** Peers (not relays) this peer is connected to. */
  async peers (): Promise<PeerLink[]> {
    return await directPeers(this.libp2p)
  }

  /** Where other peers can reach this one: give one to connect(). Through-relay addresses appear once a relay has granted a reservation. */
  addresses (): string[] {
    return this.libp2p.getMultiaddrs().map(String)
  }

  async get (address: string, options: GetOptions = {}): Promise<GetResult> {
    const canonical = normaliseAddress(address)
    try {
      return await this.read(canonical, options)
    } catch (error) {
      if (this.init.offlineReads !== true || !(error instanceof NetworkError)) throw error
      const cached = await this.cached(canonical, options)
      if (cached === undefined || (options.as !== undefined && cached.meta.readAs !== options.as)) throw error
      return { ...cached, offline: true }
    }
  }

  private async read (canonical: string, options: GetOptions): Promise<GetResult> {
    const key = await dhtKey(canonical)
    const asked = await this.reads.candidates(key, options.signal)
    let fetched = await this.reads.fetch(key, asked, options.signal)
    if (fetched.siblings.length === 0 && this.keepConnected !== undefined) {
      // Nothing found may only mean this peer asked the wrong relays: stand-ins
      // (when none of the responsible ones answered), or the closest of those
      // it knows while closer ones were out of reach (a partition, a restart).
      // Stand-ins drop what they are no longer responsible for. libp2p forgets
      // an address a dial failed on, so dial the bootstrap list again now, not
      // at the next tick, and ask once more if that changed who to ask.
      const reached = await this.keepConnected.tick(options.signal)
      await this.untilIdentified(reached, options.signal)
      if (fetched.closestAnswered === 0 || reached.length > 0) {
        const again = await this.reads.candidates(key, options.signal)
        const changed = again.some(peer => !asked.some(other => other.equals(peer)))
        if (fetched.closestAnswered === 0 || changed) fetched = await this.reads.fetch(key, again, options.signal)
      }
    }
    if (fetched.siblings.length === 0) {
      if (fetched.answered === 0) throw new NetworkError(`none of the ${fetched.asked} relays for ${canonical} answered`)
      // Stand-ins hold nothing once the responsible relays have it: that is not "not found".
      if (fetched.closestAnswered === 0) throw new NetworkError(`none of the ${this.replicationFactor} relays responsible for ${canonical} could be reached, and the ${fetched.answered} that answered for them hold nothing`)
      throw new NotFoundError(`nothing is stored at ${canonical}`)
    }
    await this.keys.ready()
    const keyring = options.as === undefined ? this.init.keyring : this.init.keyring.only([options.as])
    const [winner, ...others] = fetched.siblings as [RecordEnvelope, ...RecordEnvelope[]]
    let opened: Awaited<ReturnType<typeof openContextRecord>>
    try {
      opened = await openContextRecord(winner, keyring)
    } catch (error) {
      // What this peer can no longer read must not stay readable from its cache.
      if (options.as === undefined) {
        await this.cache.delete(canonical)
        this.finder.changed(canonical, undefined)
      }
      throw error
    }
    const conflicts = await Promise.all(others.map(async sibling => {
      const open = await openContextRecord(sibling, keyring).catch(() => undefined)
      return { meta: metaOf(sibling), ...(open === undefined ? {} : { item: open.item }) }
    }))
    const result: GetResult = {
      item: opened.item,
      meta: { ...metaOf(winner), replicas: fetched.holders.get(toBase64url(winner.signature)) ?? 0, readAs: opened.role },
      conflicts,
      fetchedAt: Date.now()
    }
    await this.remember(canonical, result)
    return result
  }

  /**
   * The item at `address` merged with its ancestors' context, `depth` levels
   * up (default 3), every field naming the address it came from.
   */
  async resolve (address: string, options: ResolveOptions = {}): Promise<Resolution> {
    return await this.resolver.resolve(address, options)
  }

  /**
   * Every address of `project` this peer's roles (or `as`) can read, from the
   * project's encrypted directory: on any device, without relays learning
   * addresses. Writes are listed in batches (flushDirectory writes them now).
   */
  async list (project: string, options: ListOptions = {}): Promise<Listing> {
    await this.keys.ready()
    return await this.directory.list(project, options)
  }

  /**
   * The decisions that bear on `address`: those affecting it or a folder above
   * it, then those linked to them, up to `hops` (default 3), each with its hop
   * count and the chain of links that explains it.
   */
  async decisionsFor (address: string, options: DecisionsForOptions = {}): Promise<DecisionHit[]> {
    return await this.decisions.decisionsFor(address, options)
  }

  /** Writes a decision; the decisions it supersedes are marked superseded too. */
  async recordDecision (address: string, draft: ContextDraft & { decision: DecisionDraft }, options: RecordDecisionOptions): Promise<RecordedDecision> {
    return await this.decisions.record(address, draft, options)
  }

  /** Lists every address written so far in its project's directory now; throws what kept one from being listed. */
  async flushDirectory (options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.directory.flush(options)
  }

  /**
   * The versions of the context at `address`, newest first: those held now,
   * then earlier ones the relays kept when newer ones replaced them (their
   * last 16 each). Versions no held role can read are listed without content.
   */
  async history (address: string, options: { signal?: AbortSignal } = {}): Promise<HistoryEntry[]> {
    const key = await dhtKey(normaliseAddress(address))
    const relays = await this.reads.candidates(key, options.signal)
    const [current, older] = await Promise.all([this.reads.fetch(key, relays, options.signal), this.reads.history(key, relays, options.signal)])
    if (current.answered === 0) throw new NetworkError(`none of the ${current.asked} relays for ${address} answered`)
    await this.keys.ready()
    return await historyEntries(current.siblings, older, this.init.keyring)
  }

  /** What the last successful get of `address` returned, without the network. */
  async cached (address: string, options: { signal?: AbortSignal } = {}): Promise<GetResult | undefined> {
    return await this.cache.get(normaliseAddress(address), options)
  }

  /**
   * Searches what this peer has decrypted and cached (nothing else is readable
   * here): newest first. Expired entries are dropped on the way.
   */
  async search (query: SearchQuery = {}): Promise<GetResult[]> {
    return await this.cache.search(query)
  }

  /**
   * Drops cached plaintext: everything, or what was read with one role (call it
   * when that role's key is removed from this device).
   */
  async forget (options: { readAs?: string, signal?: AbortSignal } = {}): Promise<number> {
    const forgotten = await this.cache.forget(options)
    await this.finder.invalidate()
    return forgotten
  }

  /**
   * Full-text search over everything this peer has read (BM25 with field
   * boosts, prefix and fuzzy matching), with filters, facet counts and
   * highlighted snippets. followProject() brings a whole project in.
   */
  async find (query: FindQuery = {}, options: { signal?: AbortSignal } = {}): Promise<FindResults> {
    return await this.finder.find(query, options)
  }

  /** Reads the items of a project this peer has not read yet, so find() covers the whole project. */
  async followProject (project: string, options: FollowOptions = {}): Promise<FollowReport> {
    return await followProject({ list: async (p, o) => await this.list(p, o), cached: async a => await this.cached(a), get: async (a, o) => await this.get(a, o) }, project, options)
  }

  /**
   * Pulls the newest version of everything this peer has read before, so its
   * cache catches up after being offline or partitioned. Reports what changed.
   */
  async sync (options: { signal?: AbortSignal } = {}): Promise<{ checked: number, updated: string[], failed: Array<{ address: string, error: string }> }> {
    const addresses = await this.cache.addresses(options)
    const updated: string[] = []
    const failed: Array<{ address: string, error: string }> = []
    for (const address of addresses) {
      const before = await this.cached(address, options)
      try {
        const after = await this.read(address, options)
        if (before === undefined || JSON.stringify(before.meta.version) !== JSON.stringify(after.meta.version) || before.conflicts.length !== after.conflicts.length) updated.push(address)
      } catch (error) {
        failed.push({ address, error: (error as Error).message })
      }
    }
    return { checked: addresses.length, updated, failed }
  }

  private async remember (address: string, result: GetResult): Promise<void> {
    if (!await this.cache.put(address, result)) return
    this.finder.changed(address, result)
    this.dispatchEvent(new CustomEvent<UpdateDetail>('update', { detail: { address, result } }))
  }

  /**
   * Seed 003's ReplicationStatus for an address, as the relays responsible for
   * it report: how many hold it against the target, which ones, the winning
   * version and how many concurrent versions exist. Nothing is decrypted.
   */
  async replicationStatus (address: string, options: { signal?: AbortSignal } = {}): Promise<ReplicationStatus> {
    const canonical = normaliseAddress(address)
    const key = await dhtKey(canonical)
    const asked = await askClosest(await this.reads.candidates(key, options.signal), this.replicationFactor, async relay =>
      await requestRecord(this.libp2p, relay, { op: 'get', key }, this.reads.send(options.signal)))
    return await replicationStatusOf(canonical, key, this.replicationFactor, asked, this.validation())
  }

  /** Tells the DHT this peer acts in `role` (seed 003's AnnounceRole). */
  async announceRole (role: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await announceRole(this.libp2p.services.dht, this.keys.policy.network, role, options)
  }

  async findPeersByRole (role: string, options: { signal?: AbortSignal, limit?: number } = {}): Promise<PeerId[]> {
    return await findPeersByRole(this.libp2p.services.dht, this.keys.policy.network, role, options)
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

export async function createPeer (init: PeerInit): Promise<SlurpPeer> {
  return new SlurpPeer(init)
}

// How long stop() may spend listing the last writes in the directory.
const STOP_FLUSH_MS = 10_000
