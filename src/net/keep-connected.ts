import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, PeerId } from '@libp2p/interface'

/**
 * Redials bootstrap relays that are not connected, so a peer finds its way
 * back when a relay restarts. Idempotent start/stop; never throws.
 */
export class KeepConnected {
  private timer: ReturnType<typeof setInterval> | undefined
  private running = false

  constructor (private readonly node: Libp2p, private readonly addresses: readonly string[], private readonly intervalMs = 2000) {}

  start (): void {
    if (this.timer !== undefined || this.addresses.length === 0) return
    this.timer = setInterval(() => { this.tick().catch(() => {}) }, this.intervalMs)
    this.tick().catch(() => {})
  }

  stop (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }

  /**
   * Dials every bootstrap address whose peer is not connected; resolves when
   * all were tried, with the peers it connected to.
   */
  async tick (signal?: AbortSignal): Promise<PeerId[]> {
    if (this.running) return []
    this.running = true
    const connected: PeerId[] = []
    try {
      await Promise.all(this.addresses.map(async address => {
        const target = multiaddr(address)
        const peer = target.getComponents().find(c => c.name === 'p2p')?.value
        if (peer !== undefined && this.node.getConnections().some(c => c.remotePeer.toString() === peer)) return
        try {
          const connection = await this.node.dial(target, { signal: signal ?? AbortSignal.timeout(5000) })
          connected.push(connection.remotePeer)
        } catch {
          // Down for now; the next tick tries again.
        }
      }))
    } finally {
      this.running = false
    }
    return connected
  }
}
