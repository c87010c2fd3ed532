import type { KadDHT } from '@libp2p/kad-dht'

/**
 * Wraps a peer's `dht.getClosestPeers`, the call `closestRelays` makes before
 * every put and get, so the bench can see how much of an operation the DHT
 * lookup takes without touching src/. With `skip` on, the lookup finds
 * nothing and `closestRelays` falls back to the relays the peer already
 * knows (peer store entries that speak the record protocol): the same
 * put/get without the lookup, to show what skipping it would save.
 */
export class LookupProbe {
  skip = false
  /** Milliseconds of each lookup since the last drain(). */
  private times: number[] = []

  constructor (dht: KadDHT) {
    const original = dht.getClosestPeers.bind(dht)
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

  drain (): number[] {
    const times = this.times
    this.times = []
    return times
  }
}
