import type { KadDHT } from '@libp2p/kad-dht'
import type { PeerId } from '@libp2p/interface'

/**
 * Wraps a peer's `dht.getClosestPeers`, the call `closestRelays` makes when
 * it looks relays up, so the bench can count and time the lookups inside a
 * put or get without touching src/. With `skip` on, a lookup finds nothing
 * and `closestRelays` keeps to the relays the peer already knows (peer store
 * entries that speak the record protocol): the same put/get without lookups.
 */
export class LookupProbe {
  skip = false
  /** Milliseconds of each wrapped lookup since the last drain(). */
  private times: number[] = []
  private readonly original: KadDHT['getClosestPeers']

  constructor (dht: KadDHT) {
    this.original = dht.getClosestPeers.bind(dht)
    const original = this.original
    const probe = this
    dht.getClosestPeers = async function * (key, options) {
      if (probe.skip) return
      const started = performance.now()
      try {
        yield * original(key, options)
      } finally {
        probe.times.push(performance.now() - started)
      }
    }
  }

  /** A lookup of its own, neither skipped nor recorded: what one costs, and what it finds. */
  async lookup (key: Uint8Array): Promise<PeerId[]> {
    const found: PeerId[] = []
    for await (const event of this.original(key)) {
      if (event.name === 'FINAL_PEER') found.push(event.peer.id)
    }
    return found
  }

  drain (): number[] {
    const times = this.times
    this.times = []
    return times
  }
}
