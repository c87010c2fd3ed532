/**
 * When a relay may let go of a copy it is no longer responsible for: only
 * once it has not been responsible for the whole grace period, and only on
 * the word of relays it has known as certified for as long. Relays that join
 * and die before the next pass, or whose identities were ground to sit
 * closest to a key, never make the others drop a copy (issue 10 finding 1).
 */
export class CleanupGrace {
  /** When (monotonic ms) this relay first found itself not responsible for each key it holds. */
  private readonly handedOverSince = new Map<string, number>()

  constructor (readonly graceMs: number, private readonly now: () => number = () => performance.now()) {}

  /** Whether a relay known as certified for `certifiedForMs` may confirm copies that let this one go. */
  trusts (certifiedForMs: number): boolean {
    return certifiedForMs >= this.graceMs
  }

  /**
   * Notes whether this relay is responsible for `key` in this pass; true when
   * it has not been for the whole grace period.
   */
  handedOverLongAgo (key: string, responsible: boolean): boolean {
    if (responsible) {
      this.handedOverSince.delete(key)
      return false
    }
    const now = this.now()
    const since = this.handedOverSince.get(key) ?? now
    this.handedOverSince.set(key, since)
    return now - since >= this.graceMs
  }

  /** Forgets keys no longer held. */
  keepOnly (held: { has: (key: string) => boolean }): void {
    for (const key of this.handedOverSince.keys()) if (!held.has(key)) this.handedOverSince.delete(key)
  }
}
