import type { Clock } from '../raft/clock.ts'
import type { RaftMessage } from '../raft/types.ts'
import type { VoterState } from './types.ts'

/**
 * The voters' state as this node sees it, learnt from the messages the
 * transport carries (the Raft node keeps its follower progress to itself):
 * when each voter was last heard, and, while this node leads, the last index
 * each confirmed in the current term.
 */
export class VoterView {
  private readonly heard = new Map<string, number>()
  private readonly match = new Map<string, number>()
  private term = 0

  constructor (private readonly self: string, private readonly voters: readonly string[], private readonly clock: Clock) {}

  observe (direction: 'in' | 'out', message: RaftMessage<unknown>): void {
    if (direction !== 'in') return
    this.heard.set(message.from, this.clock.now())
    if (message.type !== 'append-reply' || !message.success) return
    if (message.term > this.term) this.termChanged(message.term)
    if (message.term === this.term && message.matchIndex > (this.match.get(message.from) ?? -1)) this.match.set(message.from, message.matchIndex)
  }

  /** Match indexes belong to one leader term: a new term starts them over. */
  termChanged (term: number): void {
    if (term === this.term) return
    this.term = term
    this.match.clear()
  }

  /** Every voter; match indexes only when `leading` (a follower's are not confirmations to it). */
  view (leading: boolean, ownLastIndex: number): VoterState[] {
    const now = this.clock.now()
    return this.voters.map(id => {
      if (id === this.self) return { id, self: true, matchIndex: ownLastIndex, lastContactMs: 0 }
      const heard = this.heard.get(id)
      return {
        id,
        self: false,
        matchIndex: leading ? this.match.get(id) : undefined,
        lastContactMs: heard === undefined ? undefined : Math.max(0, Math.round(now - heard))
      }
    })
  }
}
