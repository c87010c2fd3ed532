import { certifyWithRoot } from '../../src/trust/relay-certificate.ts'
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId, PrivateKey } from '@libp2p/interface'
import { NetworkError } from '../../src/errors.ts'
import { relayRoster } from '../../src/net/relay-roster.ts'
import { SlurpPeer } from '../../src/peer.ts'
import type { PeerInit } from '../../src/peer.ts'
import type { NetworkFaults } from '../../src/net/request-response.ts'
import { RelayNode } from '../../src/relay.ts'
import type { ReplicationConfig } from '../../src/replication/manager.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import type { KVStore } from '../../src/store/types.ts'
import { identityCloserThan } from '../helpers/grind.ts'
import { createTestMember } from '../helpers/network.ts'
import type { TestNetwork } from '../helpers/network.ts'
import type { Random } from './random.ts'

/**
 * Many real relays in one process that a test can kill, restart, partition
 * and heal, with message drops and delays: the fault harness. Partitions are a
 * connection gater on every node (no dial, no accept across groups) plus
 * hanging up connections that crossed; drops and delays hook every request.
 */
export const FAST_REPLICATION: ReplicationConfig = {
  repairIntervalMs: 1000,
  antiEntropyIntervalMs: 500,
  triggerDelayMs: 100,
  maxConcurrentReplications: 16,
  // Short, so runs see cleanups; the churn scenarios kill relays well within it.
  cleanupGraceMs: 1500
}

interface Slot {
  index: number
  privateKey: PrivateKey
  peerId: string
  port: number
  store: KVStore
  relay: RelayNode | undefined
  /** Holds a root-signed relay certificate (false: a stranger speaking the protocols). */
  certified: boolean
  /** Killed for good: never restarted, never a bootstrap address. */
  retired: boolean
}

export interface AddRelayOptions {
  /** A DHT key the new relay's identity is ground to sit closer to than every relay in `closerThan`. */
  closestTo?: string
  /**
   * Default: every live relay. Several relays joining together are each ground
   * against the relays there before them, not against each other: beating an
   * already ground identity takes as many tries again, and three in a row
   * once needed over 10,000.
   */
  closerThan?: readonly PeerId[]
  /** Default true; false starts a stranger: no relay certificate. */
  certified?: boolean
}

export class Cluster {
  readonly slots: Slot[] = []
  readonly peers: SlurpPeer[] = []
  /** Group of each node by peer id; nodes in different groups cannot talk. */
  private readonly groups = new Map<string, number>()
  /** Probability that a request is dropped, and the most a request is delayed (ms). */
  dropRate = 0
  maxDelayMs = 0

  private constructor (readonly network: TestNetwork, private readonly random: Random, private readonly replication: ReplicationConfig) {}

  static async start (network: TestNetwork, relays: number, random: Random, replication: ReplicationConfig = FAST_REPLICATION): Promise<Cluster> {
    const cluster = new Cluster(network, random, replication)
    for (let i = 0; i < relays; i++) await cluster.addRelay()
    return cluster
  }

  readonly faults: NetworkFaults = {
    beforeRequest: async () => {
      if (this.maxDelayMs > 0) await new Promise(resolve => setTimeout(resolve, this.random.int(this.maxDelayMs + 1)))
      if (this.dropRate > 0 && this.random.next() < this.dropRate) throw new NetworkError('dropped by the fault harness')
    }
  }

  private gater (self: () => string): Record<string, unknown> {
    const blocked = (peer: PeerId): boolean => (this.groups.get(peer.toString()) ?? 0) !== (this.groups.get(self()) ?? 0)
    return {
      denyDialPeer: blocked,
      denyInboundEncryptedConnection: blocked,
      denyOutboundEncryptedConnection: blocked
    }
  }

  /** Running certified relays: the network's relays. */
  get live (): RelayNode[] {
    return this.slots.flatMap(slot => slot.relay === undefined || !slot.certified ? [] : [slot.relay])
  }

  /** Running relays without a certificate (strangers). */
  get strangers (): RelayNode[] {
    return this.slots.flatMap(slot => slot.relay === undefined || slot.certified ? [] : [slot.relay])
  }

  relayAddresses (except?: number): string[] {
    return this.slots.filter(slot => slot.index !== except && !slot.retired && slot.certified).map(slot => `/ip4/127.0.0.1/tcp/${slot.port}/p2p/${slot.peerId}`)
  }

  /** Adds a relay (a new identity) bootstrapped from the others. */
  async addRelay (options: AddRelayOptions = {}): Promise<number> {
    const privateKey = options.closestTo === undefined ? await generateKeyPair('Ed25519') : await identityCloserThan(options.closestTo, options.closerThan ?? this.live.map(relay => relay.libp2p.peerId))
    const slot: Slot = { index: this.slots.length, privateKey, peerId: '', port: 0, store: createMemoryStore(), relay: undefined, certified: options.certified ?? true, retired: false }
    this.slots.push(slot)
    await this.startSlot(slot)
    return slot.index
  }

  /** Stops a relay for good, as a machine that leaves the network. */
  async retire (index: number): Promise<void> {
    const slot = this.slots[index] as Slot
    slot.retired = true
    await this.kill(index)
  }

  private async startSlot (slot: Slot): Promise<void> {
    const relay = new RelayNode({
      network: { rootPublicKey: this.network.root.publicKey, policy: this.network.policy },
      ...(slot.certified ? { certificate: certifyWithRoot(this.network.root) } : {}),
      store: slot.store,
      bootstrap: this.relayAddresses(slot.index).filter(address => !address.includes('/tcp/0/')),
      node: {
        privateKey: slot.privateKey,
        listen: [`/ip4/127.0.0.1/tcp/${slot.port}`],
        connectionGater: this.gater(() => slot.peerId)
      },
      replication: { ...this.replication, faults: this.faults },
      stopTimeoutMs: 2000
    })
    await relay.start()
    slot.relay = relay
    slot.peerId = relay.libp2p.peerId.toString()
    slot.port = Number(relay.multiaddrs()[0]?.split('/')[4])
  }

  /** Stops a relay; its store keeps what it held, as a disk would. */
  async kill (index: number): Promise<void> {
    const slot = this.slots[index] as Slot
    const relay = slot.relay
    slot.relay = undefined
    await relay?.stop()
  }

  /** Starts a killed relay again with the same identity, address and store. */
  async restart (index: number): Promise<void> {
    const slot = this.slots[index] as Slot
    if (slot.relay === undefined && !slot.retired) await this.startSlot(slot)
  }

  async peer (roles: string[], options: Partial<PeerInit> = {}): Promise<SlurpPeer> {
    const member = await createTestMember(this.network, roles)
    let id = ''
    const peer = new SlurpPeer({
      network: { rootPublicKey: this.network.root.publicKey, policy: this.network.policy },
      member: { signer: member.signer, certificate: member.certificate },
      keyring: await this.network.keyring(...roles),
      bootstrap: this.relayAddresses(),
      faults: this.faults,
      // Partitioned peers know too few relays and look up more; a short bound keeps runs quick.
      lookupTimeoutMs: 300,
      node: { connectionGater: this.gater(() => id) },
      ...options
    })
    await peer.start()
    id = peer.peerId.toString()
    this.peers.push(peer)
    return peer
  }

  /** Splits nodes into groups (relay indexes per group; peers listed go with the group). */
  async partition (groups: Array<{ relays: number[], peers?: SlurpPeer[] }>): Promise<void> {
    groups.forEach((group, g) => {
      for (const index of group.relays) this.groups.set((this.slots[index] as Slot).peerId, g)
      for (const peer of group.peers ?? []) this.groups.set(peer.peerId.toString(), g)
    })
    await this.hangUpAcrossGroups()
  }

  /**
   * Everyone in one group again, and every pair of live relays connected, as
   * they would be once their redials and lookups caught up: relays with
   * different views of who is alive would disagree on who keeps what.
   */
  async heal (timeoutMs = 10_000): Promise<void> {
    this.groups.clear()
    const { multiaddr } = await import('@multiformats/multiaddr')
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const missing: Array<[RelayNode, string]> = []
      for (const relay of this.live) {
        const connected = new Set(relay.libp2p.getConnections().map(c => c.remotePeer.toString()))
        for (const other of this.live) {
          const id = other.libp2p.peerId.toString()
          if (other !== relay && !connected.has(id)) missing.push([relay, other.multiaddrs()[0] as string])
        }
      }
      if (missing.length === 0 || Date.now() > deadline) return
      await Promise.all(missing.map(async ([relay, address]) => {
        await relay.libp2p.dial(multiaddr(address), { signal: AbortSignal.timeout(2000) }).catch(() => {})
      }))
    }
  }

  private async hangUpAcrossGroups (): Promise<void> {
    const nodes = [...this.live.map(relay => relay.libp2p), ...this.peers.map(peer => peer.libp2p)]
    await Promise.all(nodes.map(async node => {
      const mine = this.groups.get(node.peerId.toString()) ?? 0
      await Promise.all(node.getConnections()
        .filter(connection => (this.groups.get(connection.remotePeer.toString()) ?? 0) !== mine)
        .map(async connection => { await connection.close().catch(() => { connection.abort(new Error('partitioned')) }) }))
    }))
  }

  /**
   * Runs repair and anti-entropy on every live relay until a whole round moves
   * nothing, as the timers would in time; bounded by `timeoutMs`.
   */
  async settle (timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    // A round among relays that have not yet identified each other moves
    // nothing and would pass for quiet: wait until every pair knows the other is a certified relay.
    while (!await this.allIdentified() && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20))
    let quietRounds = 0
    let lastChange = ''
    while (quietRounds < 1) {
      if (Date.now() > deadline) throw new Error(`cluster did not settle within ${timeoutMs} ms; the last round still moved: ${lastChange}`)
      const before = this.live.map(relay => relay.replication.summary())
      await Promise.all(this.live.map(async relay => { await relay.replication.syncAll() }))
      await Promise.all(this.live.map(async relay => { await relay.replication.repair() }))
      const changes = this.live.flatMap((relay, i) => {
        const was = before[i]
        const now = relay.replication.summary()
        const moved = (['pulled', 'pushed', 'repairsDone', 'cleanedUp'] as const).filter(field => was === undefined || now[field] !== was[field])
        return moved.length === 0 ? [] : [`${this.nameOf(relay)} ${moved.map(field => `${field} +${now[field] - (was?.[field] ?? 0)}`).join(' ')}${now.recentErrors.length > 0 ? ` (last error: ${now.recentErrors.at(-1) ?? ''})` : ''}`]
      })
      lastChange = changes.join('; ')
      quietRounds = changes.length === 0 ? quietRounds + 1 : 0
    }
  }

  /** One repair pass on every live relay, as their timers would run it. */
  async repairEverywhere (): Promise<void> {
    await Promise.all(this.live.map(async relay => { await relay.replication.repair() }))
  }

  private nameOf (relay: RelayNode): string {
    const slot = this.slots.find(s => s.peerId === relay.libp2p.peerId.toString())
    return slot === undefined ? relay.libp2p.peerId.toString() : `r${slot.index}`
  }

  private async allIdentified (): Promise<boolean> {
    for (const relay of this.live) {
      const connected = new Set(relay.libp2p.getConnections().map(c => c.remotePeer.toString()))
      for (const other of this.live) {
        if (other === relay) continue
        if (!connected.has(other.libp2p.peerId.toString())) return false
        // Identify, and the roster's check of the relay certificate it brought.
        if (relayRoster(relay.libp2p)?.isCertified(other.libp2p.peerId) !== true) return false
      }
    }
    return true
  }

  /**
   * Drops keys from every relay (live or not) so the next run starts from a
   * clean slate without restarting the cluster: repair and anti-entropy cost
   * grows with what is held.
   */
  async forget (keys: string[]): Promise<void> {
    for (const slot of this.slots) {
      const relay = slot.relay
      if (relay === undefined) continue
      const index = await relay.keeper.digests()
      for (const key of keys) {
        const digest = index.get(key)
        if (digest !== undefined) await relay.keeper.remove(key, digest)
      }
    }
  }

  async stop (): Promise<void> {
    await Promise.all(this.peers.map(async peer => { await peer.stop() }))
    await Promise.all(this.slots.map(async slot => { await this.kill(slot.index) }))
  }
}
