import { decodeMessage, encodeMessage } from '../../../src/raft/message-codec.ts'
import type { Random } from '../../../src/raft/random.ts'
import type { RaftMessage } from '../../../src/raft/types.ts'
import type { Scheduler } from './scheduler.ts'

/** Message faults in force: each message is dropped, duplicated, delayed independently. */
export interface MessageFaults {
  dropRate: number
  duplicateRate: number
  minDelayMs: number
  maxDelayMs: number
  /** Share of messages held much longer (they arrive after later ones: reordering). */
  longDelayRate: number
  longDelayMs: number
}

export const CALM: MessageFaults = { dropRate: 0, duplicateRate: 0, minDelayMs: 1, maxDelayMs: 6, longDelayRate: 0, longDelayMs: 0 }

export interface NetworkStats {
  sent: number
  delivered: number
  dropped: number
  blocked: number
  duplicated: number
}

/**
 * The voters' network: directed links that a nemesis can cut (a partition, one
 * direction only, or flapping), and per-message faults. Every message goes
 * through the real wire codec, and each delivered copy is decoded afresh.
 */
export class SimNetwork {
  faults: MessageFaults = { ...CALM }
  readonly stats: NetworkStats = { sent: 0, delivered: 0, dropped: 0, blocked: 0, duplicated: 0 }
  private readonly cut = new Set<string>()

  constructor (
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly deliver: (to: string, message: RaftMessage) => void
  ) {}

  isCut (from: string, to: string): boolean {
    return this.cut.has(`${from}>${to}`)
  }

  cutLink (from: string, to: string): void { this.cut.add(`${from}>${to}`) }
  healLink (from: string, to: string): void { this.cut.delete(`${from}>${to}`) }

  /** Cuts every link between the two groups, both ways. */
  partition (left: readonly string[], right: readonly string[]): void {
    for (const a of left) {
      for (const b of right) {
        this.cutLink(a, b)
        this.cutLink(b, a)
      }
    }
  }

  heal (): void {
    this.cut.clear()
  }

  get cutLinks (): number {
    return this.cut.size
  }

  send (from: string, to: string, message: RaftMessage): void {
    this.stats.sent++
    if (this.isCut(from, to)) {
      this.stats.blocked++
      return
    }
    if (this.random.next() < this.faults.dropRate) {
      this.stats.dropped++
      return
    }
    const bytes = encodeMessage(message)
    const copies = this.random.next() < this.faults.duplicateRate ? 2 : 1
    if (copies === 2) this.stats.duplicated++
    for (let i = 0; i < copies; i++) {
      const { minDelayMs, maxDelayMs, longDelayRate, longDelayMs } = this.faults
      let delay = minDelayMs + this.random.next() * (maxDelayMs - minDelayMs)
      if (this.random.next() < longDelayRate) delay += this.random.next() * longDelayMs
      this.scheduler.after(delay, () => {
        // A link cut while the message was on its way loses it, like a dropped connection.
        if (this.isCut(from, to)) {
          this.stats.blocked++
          return
        }
        this.stats.delivered++
        this.deliver(to, decodeMessage(bytes))
      })
    }
  }
}
