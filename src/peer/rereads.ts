/**
 * Re-reads of addresses that connected peers said they wrote, one at a time
 * per address.
 *
 * A notice that arrives while a re-read of its address is under way is not
 * dropped: that re-read may have asked the relays before the new write was
 * stored, so one more follows it. Any number of notices during one re-read
 * make one more, not one each. A re-read that fails is tried once more after
 * `retryMs` (a relay that was busy for a moment); after that the cached copy
 * stays until the next read.
 */
export class Rereads {
  private readonly inFlight = new Map<string, { again: boolean }>()

  constructor (
    private readonly reread: (address: string) => Promise<void>,
    private readonly options: { retryMs?: number, sleep?: (ms: number) => Promise<void> } = {}
  ) {}

  /** A peer says it wrote `address`. Settles when this notice's re-reads are done. */
  async notice (address: string): Promise<void> {
    const running = this.inFlight.get(address)
    if (running !== undefined) {
      running.again = true
      return
    }
    const state = { again: false }
    this.inFlight.set(address, state)
    try {
      do {
        state.again = false
        await this.withRetry(address)
      } while (state.again)
    } finally {
      this.inFlight.delete(address)
    }
  }

  /** Addresses with a re-read under way. */
  get size (): number {
    return this.inFlight.size
  }

  private async withRetry (address: string): Promise<void> {
    try {
      await this.reread(address)
    } catch {
      await (this.options.sleep ?? sleep)(this.options.retryMs ?? 1000)
      await this.reread(address).catch(() => {})
    }
  }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
