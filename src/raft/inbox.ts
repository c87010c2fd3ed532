import type { Clock } from './clock.ts'
import type { Election } from './election.ts'
import type { Follower } from './follower.ts'
import type { Replication } from './replication.ts'
import type { Snapshots } from './snapshots.ts'
import type { Membership, RaftState, RoleChanges } from './state.ts'
import type { TaskQueue } from './tasks.ts'
import type { RaftMessage } from './types.ts'

export interface InboxComponents<C> {
  membership: Pick<Membership, 'id' | 'peers'>
  clock: Pick<Clock, 'now'>
  state: Pick<RaftState<C>, 'term'>
  tasks: Pick<TaskQueue<C>, 'send'>
  roles: Pick<RoleChanges, 'becomeFollower'>
  election: Pick<Election<C>, 'inLease' | 'onVote' | 'onVoteReply'>
  follower: Pick<Follower<C>, 'onAppend' | 'replyAppend'>
  snapshots: Pick<Snapshots<C>, 'onSnapshot'>
  replication: Pick<Replication<C>, 'onAppendReply'>
}

/**
 * Takes each message in (Raft's rules for all servers): drops what is not for
 * this node or malformed, follows a newer term, refuses an older one, and
 * hands the rest to the part that handles its type.
 */
export class Inbox<C> {
  constructor (private readonly components: InboxComponents<C>) {}

  step (message: RaftMessage<C>): void {
    const { membership, state, tasks, roles, election } = this.components
    if (message.to !== membership.id || !membership.peers.includes(message.from)) return
    if (message.type === 'append' && !message.entries.every((entry, i) => entry.index === message.prevLogIndex + 1 + i)) return
    const now = this.components.clock.now()
    // A voter that hears its leader does not help replace it, and does not even
    // adopt the higher term (etcd's CheckQuorum lease): a node that was cut off
    // cannot depose a healthy leader when it comes back.
    if (message.type === 'vote' && message.term > state.term && election.inLease(now)) return
    if (message.term > state.term) {
      const keepsTerm = (message.type === 'vote' && message.pre) || (message.type === 'vote-reply' && message.pre && message.granted)
      if (!keepsTerm) roles.becomeFollower(message.term, message.type === 'append' || message.type === 'snapshot' ? message.from : undefined, now)
    } else if (message.term < state.term) {
      // A deposed leader learns the new term from the answer and steps down;
      // a stale candidate learns it from the refusal.
      if (message.type === 'append' || message.type === 'snapshot') this.components.follower.replyAppend(message, false, 0)
      else if (message.type === 'vote') tasks.send({ type: 'vote-reply', from: membership.id, to: message.from, term: state.term, pre: message.pre, granted: false })
      return
    }
    switch (message.type) {
      case 'vote': election.onVote(message, now); break
      case 'vote-reply': election.onVoteReply(message, now); break
      case 'append': this.components.follower.onAppend(message, now); break
      case 'snapshot': this.components.snapshots.onSnapshot(message, now); break
      case 'append-reply': this.components.replication.onAppendReply(message, now); break
    }
  }
}
