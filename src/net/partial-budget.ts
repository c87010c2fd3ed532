/**
 * The bytes of unfinished frames a node holds for all its inbound streams,
 * every protocol together, and of requests received and not yet answered. A
 * stream whose next chunk would go over a limit is reset; the others keep
 * theirs. A whole request that would go over is refused as busy. Without it each stream could hold a whole
 * maximum-size frame that never finishes (issue 10, finding 2: one connection
 * took a relay from 302 MB to 1.3 GB).
 *
 * Peers that are not trusted (anyone but certified relays) are held to a share
 * of the budget together, and each to a smaller share of its own: strangers
 * cannot take the room relays need for replication, and one stranger cannot
 * take all the room other peers' requests need.
 */
export class PartialBytesBudget {
  private used = 0
  private usedUntrusted = 0
  private highest = 0
  private readonly byPeer = new Map<string, number>()
  /** Streams reset, by why. */
  readonly resets = { budget: 0, deadline: 0, tooLarge: 0 }
  /** Whole requests refused because their bytes did not fit (the stream stays). */
  busy = 0

  constructor (readonly limit: number, readonly untrustedLimit: number, readonly perPeerLimit: number) {}

  /** Bytes held now. */
  get held (): number {
    return this.used
  }

  /** The most held at once since the budget was made. */
  get peak (): number {
    return this.highest
  }

  /** Bytes a peer that is not trusted holds now. */
  heldBy (peer: string): number {
    return this.byPeer.get(peer) ?? 0
  }

  /** Takes `bytes`, or takes nothing and answers false when that would go over a limit. */
  take (peer: string, bytes: number, trusted: boolean): boolean {
    if (this.used + bytes > this.limit) return false
    if (!trusted) {
      const mine = this.heldBy(peer)
      if (this.usedUntrusted + bytes > this.untrustedLimit || mine + bytes > this.perPeerLimit) return false
      this.usedUntrusted += bytes
      this.byPeer.set(peer, mine + bytes)
    }
    this.used += bytes
    this.highest = Math.max(this.highest, this.used)
    return true
  }

  /** Gives back what `take` took, with the same `trusted`. */
  give (peer: string, bytes: number, trusted: boolean): void {
    if (bytes <= 0) return
    this.used -= bytes
    if (trusted) return
    this.usedUntrusted -= bytes
    const mine = this.heldBy(peer) - bytes
    if (mine > 0) this.byPeer.set(peer, mine)
    else this.byPeer.delete(peer)
  }
}
