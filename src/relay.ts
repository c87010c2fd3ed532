import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { StorageGuard } from './admission/storage-guard.ts'
import { WriteAdmission } from './admission/write-admission.ts'
import { RelayAudit } from './audit/relay-audit.ts'
import type { RelayAuditConfig } from './audit/relay-audit.ts'
import { AbortError, UsageError, throwIfAborted } from './errors.ts'
import { RecordKeeper } from './keeper/record-keeper.ts'
import type { StoredDetail } from './keeper/record-keeper.ts'
import { KeepConnected } from './net/keep-connected.ts'
import { frameLimitOf, limitInbound } from './net/inbound-limits.ts'
import type { InboundLimitsInit } from './net/inbound-limits.ts'
import { createSlurpNode } from './net/node.ts'
import type { SlurpLibp2p, SlurpNodeInit } from './net/node.ts'
import { RECORD_PROTOCOL } from './net/record-messages.ts'
import { serveRecords } from './net/record-protocol.ts'
import { serveRelayDirectory } from './net/relay-directory.ts'
import { serveSync } from './replication/sync-protocol.ts'
import type { KVStore } from './store/types.ts'
import { memberQuotaOf } from './trust/policy.ts'
import type { Policy, SignedPolicy } from './trust/policy.ts'
import { PolicyBook } from './trust/policy-book.ts'
import type { PolicyChange } from './trust/policy-book.ts'
import { servePolicy, spreadPolicy } from './net/policy-exchange.ts'
import { verifyRelayCertificate } from './trust/relay-certificate.ts'
import type { RelayCertificate } from './trust/relay-certificate.ts'
import { ReplicationManager } from './replication/manager.ts'
import type { ReplicationConfig } from './replication/manager.ts'

export interface RelayInit {
  /** The root and its policy; with the signed document, the relay passes it on to nodes that hold an older one. */
  readonly network: { readonly rootPublicKey: Uint8Array, readonly policy: Policy, readonly signedPolicy?: SignedPolicy }
  /** Called when a newer root-signed policy arrives from the mesh (to keep it across restarts). */
  readonly onPolicy?: (signed: SignedPolicy) => void
  /** Where records live: LevelDB on servers, memory in tests. Opened by start(). */
  readonly store: KVStore
  readonly bootstrap?: readonly string[]
  readonly node?: Partial<Omit<SlurpNodeInit, 'kind'>>
  /** How long stop() waits for libp2p to close its listeners. Default 5 s. */
  readonly stopTimeoutMs?: number
  /** Keeping records on the k closest relays (see ReplicationManager). */
  readonly replication?: ReplicationConfig
  /**
   * The root's relay certificate for this node's peer id, or a function that
   * makes one for the peer id (an operator holding the root key certifies its
   * own relays). Without one the relay runs, but no peer or relay of the
   * network places records on it, and it places none on others.
   */
  readonly certificate?: RelayCertificate | ((peerId: PeerId) => Promise<RelayCertificate>)
  /** Refuses first-hand writes while the disk is nearly full (relay/disk-guard.ts on Node); none by default. */
  readonly storage?: StorageGuard
  /**
   * What peers may send on request channels: the partial-frame budget, the
   * deadline to finish a frame. The ceiling for a stranger's frame follows the
   * policy's record limit, and certified relays may send large frames.
   */
  readonly inbound?: Omit<InboundLimitsInit, 'maxFrameBytes'>
  /** The audit log's checkpoint and witness intervals (src/audit/relay-audit.ts). */
  readonly audit?: RelayAuditConfig
}

/**
 * A relay's mesh side: kad-dht in server mode, the circuit-relay server, and
 * the record protocol backed by a RecordKeeper. It stores what it cannot read.
 */
export class RelayNode extends EventTarget {
  readonly keeper: RecordKeeper
  readonly replication: ReplicationManager
  /** Free space and per-member quotas, checked before a first-hand write is validated (record protocol and gateway share it). */
  readonly admission: WriteAdmission
  /** The tamper-evident log of what this relay does, its signed checkpoints, and its witnessing of other relays. */
  readonly audit: RelayAudit
  readonly startedAt = Date.now()
  private node: SlurpLibp2p | undefined
  private keepConnected: KeepConnected | undefined
  private starting: Promise<void> | undefined
  /** The newest root-signed policy this relay verified: it judges every write by it. */
  readonly policyBook: PolicyBook
  private stopSpreading: (() => void) | undefined
  private relayCertificate: RelayCertificate | undefined

  constructor (private readonly init: RelayInit) {
    super()
    this.policyBook = new PolicyBook(init.network.rootPublicKey, { policy: init.network.policy, ...(init.network.signedPolicy === undefined ? {} : { signed: init.network.signedPolicy }) })
    this.policyBook.addEventListener('change', event => { init.onPolicy?.((event as CustomEvent<PolicyChange>).detail.signed) })
    this.keeper = new RecordKeeper({
      store: init.store,
      validation: () => ({ rootPublicKey: init.network.rootPublicKey, policy: this.policyBook.policy })
    })
    // A program embedding the relay hears of each record it stores ("stored", StoredDetail).
    this.keeper.addEventListener('stored', event => { this.dispatchEvent(new CustomEvent<StoredDetail>('stored', { detail: (event as CustomEvent<StoredDetail>).detail })) })
    this.replication = new ReplicationManager(this, init.replication)
    this.audit = new RelayAudit(init.store, init.audit)
    this.audit.watch({ keeper: this.keeper, policyBook: this.policyBook })
    this.replication.onRepaired = (key, peer) => { this.audit.note({ kind: 'repaired', key, peer: peer.toString() }) }
    this.admission = new WriteAdmission({
      quota: () => memberQuotaOf(this.policyBook.policy),
      onRefused: ({ code, record }) => { this.audit.refused(code, record) },
      ...(init.storage === undefined ? {} : { storage: init.storage })
    })
  }

  get libp2p (): SlurpLibp2p {
    if (this.node === undefined) throw new UsageError('the relay is not started')
    return this.node
  }

  get running (): boolean {
    return this.node !== undefined
  }

  /** The certificate this relay announces, once started (undefined: uncertified). */
  get certificate (): RelayCertificate | undefined {
    return this.relayCertificate
  }

  get currentPolicy (): Policy {
    return this.policyBook.policy
  }

  /**
   * Resolves once this relay holds something at `key` (at once if it already
   * does): for a program that wrote through a peer and waits for a relay.
   */
  async holds (key: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal)
    await new Promise<void>((resolve, reject) => {
      const onStored = (event: Event): void => { if ((event as CustomEvent<StoredDetail>).detail.key === key) done() }
      const onAbort = (): void => { done(new AbortError('stopped waiting for the record', { cause: options.signal?.reason })) }
      const done = (error?: Error): void => {
        this.removeEventListener('stored', onStored)
        options.signal?.removeEventListener('abort', onAbort)
        if (error === undefined) resolve()
        else reject(error)
      }
      this.addEventListener('stored', onStored)
      options.signal?.addEventListener('abort', onAbort, { once: true })
      // Listening first: a record stored while this looks is not missed.
      this.keeper.has(key).then(held => { if (held) done() }, done)
    })
  }

  multiaddrs (): string[] {
    return this.libp2p.getMultiaddrs().map(ma => ma.toString())
  }

  /** Idempotent. */
  async start (options: { signal?: AbortSignal } = {}): Promise<void> {
    this.starting ??= (async () => {
      await this.init.store.open(options)
      // Index what is held before serving: anti-entropy compares from this index.
      await this.keeper.digests(options)
      await this.audit.open(options)
      // The peer id must be known before the node exists: identify announces its certificate.
      const privateKey = this.init.node?.privateKey ?? await generateKeyPair('Ed25519')
      this.relayCertificate = await this.certify(peerIdFromPrivateKey(privateKey))
      const node = await createSlurpNode({
        ...this.init.node,
        privateKey,
        kind: 'relay',
        rootPublicKey: this.init.network.rootPublicKey,
        ...(this.relayCertificate === undefined ? {} : { relayCertificate: this.relayCertificate })
      })
      // Every protocol is handled before the node starts: identify must never
      // announce a relay that cannot answer yet.
      limitInbound(node, { ...this.init.inbound, maxFrameBytes: () => frameLimitOf(this.policyBook.policy) })
      await serveRecords(node, this.keeper, { admission: this.admission, history: async (key, signal) => { await this.replication.fetchKey(key, signal) } })
      await serveSync(node, this.keeper, async relay => await this.replication.responsibilityOf(relay))
      await serveRelayDirectory(node)
      await servePolicy(node, this.policyBook)
      this.stopSpreading = spreadPolicy(node, this.policyBook)
      await this.audit.serve(node)
      await node.start()
      this.node = node
      this.keepConnected = new KeepConnected(node, this.init.bootstrap ?? [])
      await this.keepConnected.tick(options.signal)
      this.keepConnected.start()
      await this.replication.start()
      await this.audit.start(node, { id: node.peerId.toString(), sign: async data => await privateKey.sign(data) })
    })()
    await this.starting
  }

  private async certify (peerId: PeerId): Promise<RelayCertificate | undefined> {
    const source = this.init.certificate
    if (source === undefined) return undefined
    const certificate = typeof source === 'function' ? await source(peerId) : source
    // A wrong certificate would make every other node ignore this relay: say so at start.
    await verifyRelayCertificate(certificate, { rootPublicKey: this.init.network.rootPublicKey, peer: peerId.toMultihash().bytes })
    return certificate
  }

  /** True when the last stop() gave up waiting for libp2p (see stop). */
  stopTimedOut = false

  /**
   * Idempotent. Stops taking records first, then stops libp2p, then closes the
   * store, so every acknowledged write is on disk. libp2p's stop is bounded:
   * under Bun a WebSockets listener never finishes closing (Bun's http.Server
   * emits no 'close'), and a relay must still shut down and close its store.
   */
  async stop (): Promise<void> {
    const starting = this.starting
    if (starting === undefined) return
    this.starting = undefined
    await starting.catch(() => {})
    this.keepConnected?.stop()
    this.stopSpreading?.()
    this.replication.stop()
    this.audit.stop()
    const node = this.node
    this.node = undefined
    if (node !== undefined) {
      await node.unhandle(RECORD_PROTOCOL).catch(() => {})
      let timer: ReturnType<typeof setTimeout> | undefined
      const timedOut = new Promise<boolean>(resolve => { timer = setTimeout(() => { resolve(true) }, this.init.stopTimeoutMs ?? 5000) })
      this.stopTimedOut = await Promise.race([Promise.resolve(node.stop()).then(() => false), timedOut])
      clearTimeout(timer)
      // A stop that did not finish may leave connections open with no handlers
      // behind them: others would keep treating this relay as alive. Cut them.
      if (this.stopTimedOut) for (const connection of node.getConnections()) connection.abort(new Error('relay stopped'))
    }
    // What the relay did up to here is in its log before the store closes.
    await this.audit.close()
    await this.init.store.close()
  }
}
