import { AbortError, InvalidQueueCommandError, NoLeaderError, NotLeaderError } from '../errors.ts'
import { untilAborted } from '../net/request-channel.ts'
import type { Clock } from '../raft/clock.ts'
import type { RaftNode } from '../raft/node.ts'
import type { QueueCommand } from '../raft/queue-commands.ts'
import type { QueueMachine, QueueResult, QueueStatus } from '../raft/queue-machine.ts'
import type { Entry } from '../raft/types.ts'
import type { Ack } from './types.ts'

export type RequestCommand = Extract<QueueCommand, { type: 'request' }>

export interface LeaderIntakeInit {
  node: RaftNode<QueueCommand, QueueResult, QueueStatus>
  machine: QueueMachine
  clock: Clock
  electionTimeoutMs: number
  /** Whether the coordinator can take requests at all (running, storage sound). */
  healthy: () => boolean
}

/**
 * The leader's side of submit: one log entry per request id, and an
 * acknowledgement only once that entry is committed. A request the machine
 * knows is acknowledged at once (committed already); one being proposed is
 * joined; anything else is proposed. The machine's answer says whether the
 * request was queued or deduplicated to an earlier one by content.
 */
export class LeaderIntake {
  /** Proposals not yet applied, by request id. */
  private readonly proposing = new Map<string, Promise<QueueResult | undefined>>()
  /** The term whose no-op this voter applied last. */
  private readyTerm = 0
  /** Submits waiting for this voter's term to be ready. */
  private readonly wakers = new Set<() => void>()

  constructor (private readonly init: LeaderIntakeInit) {}

  /** Called for every applied entry. */
  applied (entry: Entry<QueueCommand>): void {
    // A new leader's no-op: every entry of earlier terms is applied now.
    if (entry.command === undefined) {
      this.readyTerm = entry.term
      this.wake()
    }
  }

  /** Something changed (role, term, health): waiting submits look again. */
  wake (): void {
    for (const check of [...this.wakers]) check()
  }

  async submit (command: RequestCommand, signal: AbortSignal): Promise<Ack> {
    const { node, machine } = this.init
    // Every request committed before this term is in the machine then, and
    // this term's are proposed here: what neither knows is new.
    await this.untilReady(signal)
    const id = command.request.id
    if (machine.canonicalId(id) !== undefined) return this.ackOf(id, 'duplicate')
    let proposal = this.proposing.get(id)
    if (proposal === undefined) {
      // Not the caller's signal: a retry may join this proposal.
      const made = node.propose(command)
      proposal = made
      this.proposing.set(id, made)
      made.catch(() => {}).finally(() => { if (this.proposing.get(id) === made) this.proposing.delete(id) }).catch(() => {})
    }
    const result = await untilAborted(proposal, signal).catch((error: unknown) => {
      if (signal.aborted) throw new AbortError('submit aborted', { cause: signal.reason })
      throw error
    })
    if (result === undefined || !result.ok) throw new InvalidQueueCommandError(result?.ok === false ? result.reason : `request ${id} was refused`)
    if (result.type !== 'request') throw new InvalidQueueCommandError(`request ${id} was applied as ${result.type}`)
    return this.ackOf(id, result.outcome)
  }

  /** NotLeaderError naming the leader this voter knows, or NoLeaderError. */
  leaderError (): Error {
    const { node } = this.init
    const leader = node.leader
    if (leader !== undefined && leader !== node.id && this.init.healthy()) return new NotLeaderError(`${node.id} is not the leader`, leader)
    return new NoLeaderError(`${node.id} knows no leader yet`, this.init.electionTimeoutMs)
  }

  private ackOf (requestId: string, outcome: Ack['outcome']): Ack {
    const queued = this.init.machine.get(requestId)
    if (queued === undefined) throw new InvalidQueueCommandError(`request ${requestId} is not in the queue`)
    return {
      requestId,
      canonicalId: queued.request.id,
      outcome,
      state: queued.state,
      term: this.init.node.term,
      ...(queued.result === undefined ? {} : { result: { ...queued.result } }),
      ...(queued.failure === undefined ? {} : { failure: queued.failure })
    }
  }

  /**
   * Resolves once this voter leads and its term's no-op is applied (the lease
   * is not needed: an id the machine knows is committed, whoever leads now).
   * Throws when it stops leading, or when the no-op does not commit within 2T.
   */
  private async untilReady (signal: AbortSignal): Promise<void> {
    const { node, clock, electionTimeoutMs } = this.init
    const ready = (): boolean => node.role === 'leader' && this.readyTerm === node.term
    if (ready()) return
    if (node.role !== 'leader' || !this.init.healthy()) throw this.leaderError()
    await new Promise<void>((resolve, reject) => {
      const finish = (error?: Error): void => {
        this.wakers.delete(check)
        cancel()
        signal.removeEventListener('abort', onAbort)
        if (error === undefined) resolve()
        else reject(error)
      }
      const check = (): void => {
        if (!this.init.healthy() || node.role !== 'leader') finish(this.leaderError())
        else if (ready()) finish()
      }
      const onAbort = (): void => { finish(new AbortError('submit aborted', { cause: signal.reason })) }
      const cancel = clock.setTimer(2 * electionTimeoutMs, () => { finish(new NoLeaderError(`${node.id} leads but a majority has not confirmed its term`, electionTimeoutMs)) })
      this.wakers.add(check)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
