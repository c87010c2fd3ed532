import type { IdentifyResult, Libp2p, PeerId } from '@libp2p/interface'
import { relayCertificateFromAgent, verifyRelayCertificate } from '../trust/relay-certificate.ts'

/**
 * Which peers are the network's relays: those whose identify brought a relay
 * certificate that the network root signed for their own (Noise-authenticated)
 * peer id. Speaking the record protocol proves nothing — anyone can — so
 * placement, acknowledgements, cleanup confirmations, anti-entropy, bootstrap
 * lists and large frames all go by this roster instead.
 */
export interface RelayRoster {
  /** true once identify brought a valid certificate, false once it brought none (or a bad one), undefined before. */
  verdict (peer: PeerId): boolean | undefined
  isCertified (peer: PeerId): boolean
  /**
   * How long this node has known `peer` as a certified relay (ms; 0 if it is
   * not one): a relay that just appeared is not trusted to confirm copies
   * before others drop theirs.
   */
  certifiedForMs (peer: PeerId): number
  /** Every peer known as a certified relay now. */
  certified (): PeerId[]
  /** Resolves once `peer` has a verdict, or when the signal ends (then verdict() may still be undefined). */
  untilChecked (peer: PeerId, signal: AbortSignal): Promise<boolean | undefined>
}

export interface RelayRosterInit {
  rootPublicKey: Uint8Array
  /** Milliseconds on a monotonic clock; injectable for tests. */
  monotonicNow?: () => number
}

interface Entry {
  peer: PeerId
  certified: boolean
  since: number
  notAfter: number
}

class IdentifyRelayRoster implements RelayRoster {
  private readonly entries = new Map<string, Entry>()
  private readonly waiters = new Map<string, Set<() => void>>()
  private readonly monotonicNow: () => number

  constructor (node: Libp2p, private readonly init: RelayRosterInit) {
    this.monotonicNow = init.monotonicNow ?? (() => performance.now())
    node.addEventListener('peer:identify', event => { this.check(event.detail).catch(() => {}) })
    // A relay meets many peers that are not relays (browser tabs, CLI runs):
    // forget them when they go, or the roster grows with every visitor.
    // Certified relays are kept, with the time they were first certified.
    node.addEventListener('peer:disconnect', event => {
      const id = event.detail.toString()
      if (this.entries.get(id)?.certified === false) this.entries.delete(id)
    })
  }

  verdict (peer: PeerId): boolean | undefined {
    const entry = this.entries.get(peer.toString())
    if (entry === undefined) return undefined
    return entry.certified && entry.notAfter >= Date.now()
  }

  isCertified (peer: PeerId): boolean {
    return this.verdict(peer) === true
  }

  certifiedForMs (peer: PeerId): number {
    if (!this.isCertified(peer)) return 0
    return this.monotonicNow() - (this.entries.get(peer.toString()) as Entry).since
  }

  certified (): PeerId[] {
    return [...this.entries.values()].filter(entry => this.isCertified(entry.peer)).map(entry => entry.peer)
  }

  async untilChecked (peer: PeerId, signal: AbortSignal): Promise<boolean | undefined> {
    const id = peer.toString()
    if (this.entries.has(id) || signal.aborted) return this.verdict(peer)
    await new Promise<void>(resolve => {
      const waiters = this.waiters.get(id) ?? new Set()
      this.waiters.set(id, waiters)
      const done = (): void => {
        waiters.delete(done)
        if (waiters.size === 0 && this.waiters.get(id) === waiters) this.waiters.delete(id)
        signal.removeEventListener('abort', done)
        resolve()
      }
      waiters.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
    return this.verdict(peer)
  }

  private async check (result: IdentifyResult): Promise<void> {
    const id = result.peerId.toString()
    const cert = relayCertificateFromAgent(result.agentVersion)
    let certified = false
    if (cert !== undefined) {
      try {
        await verifyRelayCertificate(cert, { rootPublicKey: this.init.rootPublicKey, peer: result.peerId.toMultihash().bytes })
        certified = true
      } catch {
        // A certificate for another network or peer, forged or expired: not a relay here.
      }
    }
    const known = this.entries.get(id)
    // A relay identified again (a new connection) keeps the time it was first certified.
    const since = known?.certified === true && certified ? known.since : this.monotonicNow()
    this.entries.set(id, { peer: result.peerId, certified, since, notAfter: cert?.notAfter ?? 0 })
    for (const wake of [...(this.waiters.get(id) ?? [])]) wake()
  }
}

const rosters = new WeakMap<Libp2p, RelayRoster>()

/** Starts keeping the node's roster; call before the node starts, so no identify is missed. */
export function attachRelayRoster (node: Libp2p, init: RelayRosterInit): RelayRoster {
  let roster = rosters.get(node)
  if (roster === undefined) {
    roster = new IdentifyRelayRoster(node, init)
    rosters.set(node, roster)
  }
  return roster
}

/** The node's roster, or undefined for a node made without the network's root key (bare test nodes). */
export function relayRoster (node: Libp2p): RelayRoster | undefined {
  return rosters.get(node)
}
