import type { PeerId } from '@libp2p/interface'
import { equalBytes } from '../encoding/bytes.ts'
import { SlurpError } from '../errors.ts'
import { inParallel } from '../lock/in-parallel.ts'
import { sortByDistance } from '../net/closest.ts'
import { relayRoster } from '../net/relay-roster.ts'
import type { RelayRoster } from '../net/relay-roster.ts'
import type { NetworkFaults } from '../net/request-response.ts'
import type { RelayNode } from '../relay.ts'
import { BUCKETS, summarise } from './buckets.ts'
import { CleanupGrace } from './cleanup-grace.ts'
import { VALIDATION_LANES, requestDigestsOf, requestOwnedEntries, requestRecordsOf, requestStore, requestSummary } from './sync-protocol.ts'
import { MAX_KEYS_PER_REQUEST, batchBySize, batchRecordSets } from './sync-messages.ts'
import type { RecordSet } from './sync-messages.ts'

/** Seed 003's ReplicationConfig, with production defaults. */
export interface ReplicationConfig {
  /** k: relays that should hold each record. Default 3. */
  factor?: number
  /** Full repair pass (re-replicate, reprovide, clean up). Default 10 min. */
  repairIntervalMs?: number
  /**
   * Digest exchange with every connected relay. Default 10 min: it also runs at
   * once whenever two relays connect (partitions healing), and a full exchange
   * compares everything held, which costs CPU on every relay.
   */
  antiEntropyIntervalMs?: number
  /** Delay before reacting to a relay joining or leaving (they come in bursts). Default 2 s. */
  triggerDelayMs?: number
  /** Relays a repair pass sends to at once. Default 8. */
  maxConcurrentReplications?: number
  /** Drop records this relay is no longer responsible for, once the k closest confirm they hold them. Default true. */
  cleanup?: boolean
  /**
   * Before dropping a record it is no longer responsible for, a relay waits
   * until it has not been responsible for this long, and counts only
   * confirmations from relays it has known as certified for this long: relays
   * that join and die before the next pass (or were placed closest on
   * purpose) never make the others let go. Default 10 min.
   */
  cleanupGraceMs?: number
  /** Message-level fault injection (tests). */
  faults?: NetworkFaults
}

export type Health = 'healthy' | 'degraded' | 'critical'

// Entries asked for in one ownedEntries request (by the peer's bucket counts):
// about 100 bytes each, so an answer stays well inside MAX_MESSAGE_BYTES.
const MAX_ENTRIES_PER_REQUEST = 40_000

export interface ReplicationSummary {
  factor: number
  keys: number
  healthy: number
  degraded: number
  critical: number
  repairPasses: number
  repairsDone: number
  repairsFailed: number
  cleanedUp: number
  bytesMoved: number
  antiEntropyRounds: number
  pulled: number
  pushed: number
  lastRepairAt: number | null
  lastRepairMs: number | null
  /** The latest failures (newest last), for operators. */
  recentErrors: string[]
}

/**
 * Keeps every record this relay holds on the k relays closest to its key:
 * repair passes push records to closest relays that lack them (also when relays
 * leave or join), anti-entropy exchanges bucket digests with other relays and
 * moves only what differs, and records this relay is no longer responsible for
 * are dropped once their new holders confirm. Only encrypted envelopes move,
 * and every one received goes through the validator (keeper.put).
 */
export class ReplicationManager {
  readonly factor: number
  /** Told of each record a repair pass copied to a relay that lacked it (the relay's audit log). */
  onRepaired: ((key: string, peer: PeerId) => void) | undefined
  private readonly health = new Map<string, Health>()
  private readonly stats = { repairPasses: 0, repairsDone: 0, repairsFailed: 0, cleanedUp: 0, bytesMoved: 0, antiEntropyRounds: 0, pulled: 0, pushed: 0, lastRepairAt: null as number | null, lastRepairMs: null as number | null }
  private timers: Array<ReturnType<typeof setInterval>> = []
  private repairTimer: ReturnType<typeof setTimeout> | undefined
  private repairing: Promise<void> | undefined
  private readonly syncing = new Map<string, Promise<void>>()
  private roundsDone: Promise<void> = Promise.resolve()
  private readonly recentErrors: string[] = []
  private readonly grace: CleanupGrace
  private started = false
  private readonly onIdentify = (event: CustomEvent<{ peerId: PeerId }>): void => {
    const peer = event.detail.peerId
    // The roster checks the certificate identify brought; only relays it certifies take part.
    this.roster.untilChecked(peer, AbortSignal.timeout(5000)).then(certified => {
      if (certified !== true || !this.started) return
      // Both sides of a new pair run a round, each pulling what it should hold;
      // the repair pass after them finds little left to copy, and cleans up.
      this.sync(peer).catch(() => {}).finally(() => { this.scheduleRepair() })
    }).catch(() => {})
  }

  private readonly onDisconnect = (): void => { this.scheduleRepair() }

  constructor (private readonly relay: RelayNode, private readonly config: ReplicationConfig = {}) {
    this.factor = config.factor ?? 3
    this.grace = new CleanupGrace(config.cleanupGraceMs ?? 600_000)
  }

  /** Called by the relay once its node runs. Idempotent. */
  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const node = this.relay.libp2p
    node.addEventListener('peer:identify', this.onIdentify as EventListener)
    node.addEventListener('peer:disconnect', this.onDisconnect)
    this.timers.push(setInterval(() => { this.repair().catch(() => {}) }, this.config.repairIntervalMs ?? 600_000))
    this.timers.push(setInterval(() => { this.syncAll().catch(() => {}) }, this.config.antiEntropyIntervalMs ?? 600_000))
  }

  /** Idempotent; a pass under way finishes on its own. */
  stop (): void {
    if (!this.started) return
    this.started = false
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    if (this.repairTimer !== undefined) clearTimeout(this.repairTimer)
    this.repairTimer = undefined
    try {
      this.relay.libp2p.removeEventListener('peer:identify', this.onIdentify as EventListener)
      this.relay.libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    } catch {
      // The node is already gone.
    }
  }

  summary (): ReplicationSummary {
    let healthy = 0
    let degraded = 0
    let critical = 0
    for (const state of this.health.values()) {
      if (state === 'healthy') healthy++
      else if (state === 'degraded') degraded++
      else critical++
    }
    return { factor: this.factor, keys: this.health.size, healthy, degraded, critical, ...this.stats, recentErrors: [...this.recentErrors] }
  }

  healthOf (key: string): Health | undefined {
    return this.health.get(key)
  }

  private scheduleRepair (): void {
    if (!this.started || this.repairTimer !== undefined) return
    this.repairTimer = setTimeout(() => {
      this.repairTimer = undefined
      this.repair().catch(() => {})
    }, this.config.triggerDelayMs ?? 2000)
  }

  /** Relays this one is connected to now: the ones that can hold anything. */
  private liveRelays (): PeerId[] {
    const node = this.relay.libp2p
    const seen = new Map<string, PeerId>()
    for (const connection of node.getConnections()) seen.set(connection.remotePeer.toString(), connection.remotePeer)
    return [...seen.values()]
  }

  private get roster (): RelayRoster {
    const roster = relayRoster(this.relay.libp2p)
    if (roster === undefined) throw new Error('a relay node always keeps a relay roster')
    return roster
  }

  /** Connected relays the root certified: the only ones that hold records for others. */
  private async relaysNow (): Promise<PeerId[]> {
    const roster = this.roster
    return this.liveRelays().filter(peer => roster.isCertified(peer))
  }

  /** The k closest to `key` among this relay and the live relays. */
  private responsible (key: string, relays: PeerId[]): PeerId[] {
    return sortByDistance(new TextEncoder().encode(key), [this.relay.libp2p.peerId, ...relays]).slice(0, this.factor)
  }

  /** One repair pass over everything held; concurrent calls share it. */
  async repair (): Promise<void> {
    this.repairing ??= this.repairPass().finally(() => { this.repairing = undefined })
    await this.repairing
  }

  private async repairPass (): Promise<void> {
    // Rounds under way (a relay just connected) move most of what repair would:
    // let them finish, and repair only checks what is left.
    await Promise.allSettled(this.syncing.values())
    const started = Date.now()
    let relays = await this.relaysNow()
    // Relays that fail here are left out and their keys placed again on the next
    // closest: a connected relay can still be one that stopped answering.
    for (let attempt = 0; attempt < 3; attempt++) {
      const unreachable = await this.repairOnce(relays)
      if (unreachable.size === 0) break
      relays = relays.filter(peer => !unreachable.has(peer.toString()))
    }
    this.stats.repairPasses++
    this.stats.lastRepairAt = Date.now()
    this.stats.lastRepairMs = Date.now() - started
  }

  /** One placement of every key on its k closest among `relays`; returns the relays that failed. */
  private async repairOnce (relays: PeerId[]): Promise<Set<string>> {
    const unreachable = new Set<string>()
    const self = this.relay.libp2p.peerId
    // A copy: the keeper's index moves on as versions arrive, and cleanup must
    // only drop the version the targets confirmed, never one that came later.
    const index = new Map(await this.relay.keeper.digests())
    // Which keys each remote target should hold, so each gets one batched digest query.
    const byTarget = new Map<string, { peer: PeerId, keys: string[] }>()
    const targetsOf = new Map<string, PeerId[]>()
    for (const key of index.keys()) {
      const targets = this.responsible(key, relays)
      targetsOf.set(key, targets)
      for (const peer of targets) {
        if (peer.equals(self)) continue
        const entry = byTarget.get(peer.toString()) ?? { peer, keys: [] }
        entry.keys.push(key)
        byTarget.set(peer.toString(), entry)
      }
    }
    const confirmed = new Map<string, number>()
    const trustedConfirmations = new Map<string, number>()
    // Keys whose copy here changed during this pass (taken from a relay that held newer): not cleaned up this pass.
    const changed = new Set<string>()
    await inParallel([...byTarget.values()], this.config.maxConcurrentReplications ?? 8, async ({ peer, keys }) => {
      for (let i = 0; i < keys.length; i += MAX_KEYS_PER_REQUEST) {
        const batch = keys.slice(i, i + MAX_KEYS_PER_REQUEST)
        let theirs: Map<string, Uint8Array | undefined>
        try {
          theirs = await requestDigestsOf(this.relay.libp2p, peer, batch, this.sendOptions())
        } catch (error) {
          this.stats.repairsFailed += batch.length
          this.noteError(`digests from ${peer.toString()}: ${(error as Error).message}`)
          unreachable.add(peer.toString())
          return
        }
        // Only a relay this one has known as certified for the whole grace
        // period may confirm a copy that lets this relay drop its own.
        const trusted = this.grace.trusts(this.roster.certifiedForMs(peer))
        const confirm = (key: string): void => {
          confirmed.set(key, (confirmed.get(key) ?? 0) + 1)
          if (trusted) trustedConfirmations.set(key, (trustedConfirmations.get(key) ?? 0) + 1)
        }
        let missing = batch.filter(key => {
          const ours = index.get(key)
          const held = theirs.get(key)
          if (ours === undefined || held === undefined || !equalBytes(ours, held)) return true
          confirm(key)
          return false
        })
        // A relay holding another version may hold a newer one (this relay
        // missed a write, or keeps a stand-in's old copy): take it first, so
        // this copy converges and only what the other lacks is pushed. Pushing
        // alone, a stand-in would offer its old copy every pass, to relays that
        // answer they hold newer, until its cleanup grace is over.
        const different = missing.filter(key => theirs.get(key) !== undefined)
        if (different.length > 0) {
          try {
            await this.pullMany(peer, different)
          } catch (error) {
            this.noteError(`records from ${peer.toString()}: ${(error as Error).message}`)
            unreachable.add(peer.toString())
            return
          }
          const current = await this.relay.keeper.digests()
          for (const key of different) {
            const mine = current.get(key)
            if (mine === undefined || equalBytes(mine, index.get(key) ?? new Uint8Array())) continue
            // This copy changed: confirmations counted for the old one prove nothing about it.
            changed.add(key)
            if (equalBytes(mine, theirs.get(key) as Uint8Array)) {
              confirm(key)
              missing = missing.filter(other => other !== key)
            }
          }
        }
        if (missing.length === 0) continue
        let stored: Set<string>
        try {
          stored = await this.pushMany(peer, missing)
        } catch (error) {
          this.stats.repairsFailed += missing.length
          this.noteError(`push to ${peer.toString()}: ${(error as Error).message}`)
          unreachable.add(peer.toString())
          return
        }
        for (const key of missing) {
          if (!stored.has(key)) {
            this.stats.repairsFailed++
            continue
          }
          this.stats.repairsDone++
          this.onRepaired?.(key, peer)
          confirm(key)
        }
      }
    })

    for (const [key, targets] of targetsOf) {
      const holders = (confirmed.get(key) ?? 0) + 1
      this.health.set(key, holders >= this.factor ? 'healthy' : 'degraded')
      const handedOver = this.grace.handedOverLongAgo(key, targets.some(peer => peer.equals(self)))
      // Never drop a copy unless k long-known certified relays proved they hold
      // this very version, and this relay has not been responsible for a while.
      if (handedOver && this.config.cleanup !== false && !changed.has(key) && (trustedConfirmations.get(key) ?? 0) >= this.factor) {
        const digest = index.get(key)
        if (digest !== undefined && await this.relay.keeper.remove(key, digest)) {
          this.health.delete(key)
          this.stats.cleanedUp++
        }
      }
    }
    const held = await this.relay.keeper.digests()
    for (const key of this.health.keys()) if (!index.has(key)) this.health.delete(key)
    this.grace.keepOnly(held)
    return unreachable
  }

  /**
   * Sends every version held for `keys` to `peer`, many records per message;
   * returns the keys it now holds (or holds something newer for). Throws when
   * the peer cannot be reached.
   */
  private async pushMany (peer: PeerId, keys: readonly string[]): Promise<Set<string>> {
    const sets: RecordSet[] = []
    for (const key of keys) {
      const records = await this.relay.keeper.get(key)
      if (records.length > 0) sets.push([key, records])
    }
    const stored = new Set<string>()
    for (const batch of batchRecordSets(sets)) {
      const results = await requestStore(this.relay.libp2p, peer, batch, this.sendOptions())
      for (const [key, records] of batch) {
        const code = results.get(key)
        if (code !== '') {
          this.noteError(`push of ${key} to ${peer.toString()}: ${code ?? 'not answered'}`)
          continue
        }
        stored.add(key)
        this.stats.pushed += records.length
        this.stats.bytesMoved += records.reduce((sum, record) => sum + record.length, 0)
      }
    }
    return stored
  }

  private noteError (message: string): void {
    this.recentErrors.push(`${new Date().toISOString()} ${message}`)
    if (this.recentErrors.length > 10) this.recentErrors.shift()
  }

  /**
   * Takes what the relays closest to `key` (stand-ins included) hold for it,
   * through the validator: the history a first-hand write may build on.
   */
  async fetchKey (key: string, signal?: AbortSignal): Promise<void> {
    const holders = sortByDistance(new TextEncoder().encode(key), await this.relaysNow()).slice(0, 2 * this.factor)
    await Promise.allSettled(holders.map(async peer => { await this.pullMany(peer, [key], signal) }))
  }

  /** Takes every version `peer` holds for `keys` through the validator. */
  private async pullMany (peer: PeerId, keys: readonly string[], signal?: AbortSignal): Promise<void> {
    if (keys.length === 0) return
    const sets = await requestRecordsOf(this.relay.libp2p, peer, keys, { ...this.sendOptions(), ...(signal === undefined ? {} : { signal }) })
    await inParallel([...sets], VALIDATION_LANES, async ([key, records]) => {
      for (const record of records) {
        try {
          await this.relay.keeper.put(key, record, { origin: 'replica' })
          this.stats.bytesMoved += record.length
          this.stats.pulled++
        } catch (error) {
          // Stale, duplicate or invalid: the keeper already refused it, nothing to do.
          if (!(error instanceof SlurpError)) throw error
        }
      }
    })
  }

  /** Anti-entropy with every live relay. */
  async syncAll (): Promise<void> {
    await Promise.all((await this.relaysNow()).map(async peer => { await this.sync(peer).catch(() => {}) }))
  }

  /**
   * One anti-entropy round with `peer`, pulling: compare bucket digests, then
   * ask (in one request, or a few for very large holdings) for what it holds
   * in the differing buckets that this relay should hold, and take what is
   * missing or different here through the validator. Every relay runs rounds
   * with every other, so each pulls what it is responsible for; what a relay
   * holds for others reaches them by their rounds, or by repair. Concurrent
   * rounds with one peer share one run, and rounds with different peers run
   * one after another: a record that several peers hold is then fetched from
   * the first, and later rounds find it in place.
   */
  async sync (peer: PeerId): Promise<void> {
    const id = peer.toString()
    const running = this.syncing.get(id)
    if (running !== undefined) return await running
    const round = this.roundsDone.then(async () => { await this.syncRound(peer) }).finally(() => { this.syncing.delete(id) })
    this.roundsDone = round.catch(() => {})
    this.syncing.set(id, round)
    await round
  }

  private async syncRound (peer: PeerId): Promise<void> {
    const node = this.relay.libp2p
    const theirs = await requestSummary(node, peer, this.sendOptions())
    const ours = summarise(await this.relay.keeper.digests())
    this.stats.antiEntropyRounds++
    const differing = Array.from({ length: BUCKETS }, (_, bucket) => bucket)
      .filter(bucket => !equalBytes(ours.digests[bucket] as Uint8Array, theirs.digests[bucket] as Uint8Array))
    const shouldHold = await this.responsibilityOf(node.peerId)
    for (const buckets of batchBySize(differing, bucket => theirs.counts[bucket] ?? 0, MAX_ENTRIES_PER_REQUEST)) {
      const offered = await requestOwnedEntries(node, peer, buckets, this.sendOptions())
      // Read now, not before the request: earlier rounds may have brought the same versions.
      const held = await this.relay.keeper.digests()
      await this.pullMany(peer, offered.filter(([key, digest]) => {
        const mine = held.get(key)
        if (digest === undefined || (mine !== undefined && equalBytes(mine, digest))) return false
        // The other relay offered it by its view of who is live; take it only if
        // this relay's own view agrees (or it holds the key already). Otherwise,
        // while the two views differ, this relay would fetch a key in every
        // round and drop it again in every repair pass.
        return mine !== undefined || shouldHold(key)
      }).map(([key]) => key))
    }
  }

  /**
   * "Which keys should `relay` hold?", for another relay's rounds with this
   * one and for this relay's own: the k closest among the live relays as this
   * relay sees them, plus the asker.
   */
  async responsibilityOf (relay: PeerId): Promise<(key: string) => boolean> {
    const self = relay.equals(this.relay.libp2p.peerId)
    if (!self && !this.roster.isCertified(relay)) return () => false
    const relays = await this.relaysNow()
    // responsible() counts this relay itself; an asker this relay is not connected to yet is added.
    if (!self && !relays.some(peer => peer.equals(relay))) relays.push(relay)
    return key => this.responsible(key, relays).some(peer => peer.equals(relay))
  }

  private sendOptions (): { faults?: NetworkFaults } {
    return this.config.faults === undefined ? {} : { faults: this.config.faults }
  }
}
