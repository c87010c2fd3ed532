import type { Clock } from './clock.ts'
import type { Random } from './random.ts'
import type { Membership, RaftState, RoleChanges } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { NodeId, VoteReply, VoteRequest } from './types.ts'

export interface ElectionComponents<C> {
  membership: Membership
  /** T: see RaftConfigInput.electionTimeoutMs. */
  electionTimeoutMs: number
  clock: Clock
  random: Random
  state: Pick<RaftState<C>, 'term' | 'votedFor' | 'role' | 'leader' | 'log'>
  tasks: Pick<TaskQueue<C>, 'run' | 'send' | 'markHardStateDirty'>
  roles: RoleChanges
  /** CheckQuorum: whether a majority answered the leader since the last call, which starts a new round. */
  checkQuorum: () => boolean
}

/**
 * Leader election: the randomised timeout, PreVote and RequestVote (Raft
 * §5.2, thesis §9.6), CheckQuorum on the leader, and the follower's side of
 * the lease: a voter that heard its leader less than T ago helps nobody
 * replace it.
 */
export class Election<C> {
  private votes = new Set<NodeId>()
  private lastHeardLeader = -Infinity
  /** A restarted voter forgets when it last heard a leader, so it assumes it just did (see inLease). */
  private voteGuardUntil = -Infinity
  private electionDeadline = Infinity
  private electionTimerAt = Infinity
  private cancelElectionTimer: (() => void) | undefined

  constructor (private readonly components: ElectionComponents<C>) {}

  /**
   * A voter that acknowledged a leader just before it crashed must not help
   * elect another before that leader's lease is over: it cannot know when it
   * last heard one, so it waits T from `now` (its start).
   */
  guardVotesAfterRestart (now: number): void {
    this.voteGuardUntil = now + this.components.electionTimeoutMs
  }

  stop (): void {
    this.cancelElectionTimer?.()
  }

  /** Whether this node still counts a leader as alive, and so refuses to help replace it. */
  inLease (now: number): boolean {
    const { state } = this.components
    if (now < this.voteGuardUntil) return true
    if (state.role === 'leader') return true
    return state.leader !== undefined && now - this.lastHeardLeader < this.components.electionTimeoutMs
  }

  heardFromLeader (leader: NodeId, now: number): void {
    const { state } = this.components
    if (state.role !== 'follower' || state.leader !== leader) this.components.roles.becomeFollower(state.term, leader, now)
    this.lastHeardLeader = now
    this.resetElectionDeadline(now)
  }

  /** The election is won: its votes are spent. */
  won (): void {
    this.votes.clear()
  }

  onVote (message: VoteRequest, now: number): void {
    const { membership, state, tasks } = this.components
    const upToDate = message.lastLogTerm > state.log.lastTerm || (message.lastLogTerm === state.log.lastTerm && message.lastLogIndex >= state.log.lastIndex)
    const canVote = state.votedFor === message.from ||
      (state.votedFor === undefined && state.leader === undefined) ||
      (message.pre && message.term > state.term)
    if (canVote && upToDate) {
      if (!message.pre) {
        state.votedFor = message.from
        tasks.markHardStateDirty()
        this.resetElectionDeadline(now)
      }
      // The request's term, not ours: for a PreVote ours is lower, and the
      // candidate would take a reply with our term for a stale one.
      tasks.send({ type: 'vote-reply', from: membership.id, to: message.from, term: message.term, pre: message.pre, granted: true })
    } else {
      tasks.send({ type: 'vote-reply', from: membership.id, to: message.from, term: state.term, pre: message.pre, granted: false })
    }
  }

  onVoteReply (message: VoteReply, now: number): void {
    const { membership, state, roles } = this.components
    if (!message.granted) return
    if (message.pre) {
      if (state.role !== 'pre-candidate' || message.term !== state.term + 1) return
      this.votes.add(message.from)
      if (this.votes.size >= membership.quorum) this.startElection(now)
    } else {
      if (state.role !== 'candidate' || message.term !== state.term) return
      this.votes.add(message.from)
      if (this.votes.size >= membership.quorum) roles.becomeLeader(now)
    }
  }

  resetElectionDeadline (now: number): void {
    const timeout = this.components.electionTimeoutMs
    this.electionDeadline = now + (this.components.state.role === 'leader' ? timeout : timeout + Math.floor(this.components.random.next() * timeout))
    if (this.electionDeadline < this.electionTimerAt) this.armElectionTimer(now)
  }

  private startPreVote (now: number): void {
    if (this.campaign('pre-candidate', now)) {
      this.startElection(now)
      return
    }
    this.requestVotes(this.components.state.term + 1, true)
  }

  private startElection (now: number): void {
    const { membership, state, tasks } = this.components
    state.term += 1
    state.votedFor = membership.id
    tasks.markHardStateDirty()
    if (this.campaign('candidate', now)) {
      this.components.roles.becomeLeader(now)
      return
    }
    this.requestVotes(state.term, false)
  }

  /** Enters a (pre-)election round with this node's own vote; true when that alone is a majority (a single voter). */
  private campaign (role: 'pre-candidate' | 'candidate', now: number): boolean {
    const { membership, state } = this.components
    state.role = role
    state.leader = undefined
    this.votes = new Set([membership.id])
    this.resetElectionDeadline(now)
    this.components.roles.notify()
    return this.votes.size >= membership.quorum
  }

  private requestVotes (term: number, pre: boolean): void {
    const { membership, state, tasks } = this.components
    for (const peer of membership.peers) {
      tasks.send({ type: 'vote', from: membership.id, to: peer, term, pre, lastLogIndex: state.log.lastIndex, lastLogTerm: state.log.lastTerm })
    }
  }

  private onElectionTimer (): void {
    const { state, roles } = this.components
    const now = this.components.clock.now()
    if (now < this.electionDeadline) {
      this.armElectionTimer(now)
      return
    }
    if (state.role !== 'leader') {
      this.startPreVote(now)
      return
    }
    // CheckQuorum: a leader nobody answered for T may be on the wrong side of a
    // partition; it steps down rather than accept work it cannot commit.
    if (!this.components.checkQuorum()) roles.becomeFollower(state.term, undefined, now)
    else this.resetElectionDeadline(now)
  }

  private armElectionTimer (now: number): void {
    this.cancelElectionTimer?.()
    this.electionTimerAt = this.electionDeadline
    // At least 1 ms: a deadline a rounding error away would otherwise re-arm at once, forever.
    this.cancelElectionTimer = this.components.clock.setTimer(Math.max(1, this.electionDeadline - now), () => {
      this.electionTimerAt = Infinity
      this.components.tasks.run(() => { this.onElectionTimer() })
    })
  }
}
