import { describe, expect, it } from 'vitest'
import { LeadershipLostError, NotLeaderError } from '../../src/errors.ts'
import type { AppendReply, AppendRequest, RaftMessage } from '../../src/raft/types.ts'
import { manualNode } from './manual.ts'
import type { Manual } from './manual.ts'

// Timing of these nodes: T = 1000 ms, heartbeat 100 ms, lease 900 ms; with the
// fixed random 0.5 a follower's election timeout is 1500 ms.

const vote = (from: string, term: number, pre = false, last = { index: 0, term: 0 }): RaftMessage<number> =>
  ({ type: 'vote', from, to: 'n1', term, pre, lastLogIndex: last.index, lastLogTerm: last.term })

const append = (from: string, term: number, fields: Partial<AppendRequest<number>> = {}): RaftMessage<number> =>
  ({ type: 'append', from, to: 'n1', term, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0, stamp: 0, ...fields })

const ofType = <T extends RaftMessage<number>['type']>(messages: Array<RaftMessage<number>>, type: T): Array<Extract<RaftMessage<number>, { type: T }>> =>
  messages.filter(message => message.type === type) as Array<Extract<RaftMessage<number>, { type: T }>>

/** Drives n1 through PreVote and the election with n2's votes: it leads the next term. */
async function lead (manual: Manual): Promise<void> {
  await manual.clock.advance(1500)
  const term = manual.node.term
  expect(manual.node.role).toBe('pre-candidate')
  manual.take()
  await manual.deliver({ type: 'vote-reply', from: 'n2', to: 'n1', term: term + 1, pre: true, granted: true })
  expect(manual.node.role).toBe('candidate')
  expect(manual.node.term).toBe(term + 1)
  await manual.deliver({ type: 'vote-reply', from: 'n2', to: 'n1', term: term + 1, pre: false, granted: true })
  expect(manual.node.role).toBe('leader')
}

describe('raft node rules', () => {
  it('writes its term and vote before it answers a vote, and not with the mutation switch on', async () => {
    for (const mutation of [false, true]) {
      const manual = await manualNode({ config: { testing: { answerBeforePersistingHardState: mutation } } })
      await manual.clock.advance(1000) // past the restart guard, before its own timeout
      manual.storage.holding = true
      manual.take()
      await manual.deliver(vote('n2', 1))
      const early = ofType(manual.take(), 'vote-reply')
      manual.storage.release()
      await new Promise(resolve => setTimeout(resolve, 0))
      await manual.deliver(append('n3', 0)) // any later task: flushes what the switch left behind
      if (mutation) {
        expect(early).toMatchObject([{ granted: true, term: 1 }])
      } else {
        expect(early).toEqual([])
        expect(ofType(manual.take(), 'vote-reply')).toMatchObject([{ granted: true, term: 1 }])
      }
      expect((await manual.storage.disk.load()).hardState).toEqual({ term: 1, votedFor: 'n2' })
    }
  })

  it('a restarted voter waits one election timeout before it votes: it may have acknowledged a leader whose lease still runs', async () => {
    const manual = await manualNode({ prepare: async disk => { await disk.saveHardState({ term: 4 }) } })
    await manual.deliver(vote('n2', 5))
    expect(manual.take()).toEqual([])
    expect(manual.node.term).toBe(4)
    await manual.clock.advance(1000)
    await manual.deliver(vote('n2', 5))
    expect(ofType(manual.take(), 'vote-reply')).toMatchObject([{ granted: true, term: 5 }])
  })

  it('ignores votes while it hears its leader (CheckQuorum), and a PreVote changes nobody\'s term', async () => {
    const manual = await manualNode()
    await manual.clock.advance(1000)
    await manual.deliver(append('n2', 1, { stamp: 5 }))
    expect(manual.node.leader).toBe('n2')
    expect(ofType(manual.take(), 'append-reply')).toMatchObject([{ success: true, stamp: 5, term: 1 }])
    await manual.clock.advance(900)
    await manual.deliver(vote('n3', 2, true))
    await manual.deliver(vote('n3', 2))
    expect(manual.take()).toEqual([])
    expect(manual.node.term).toBe(1)
    await manual.clock.advance(150) // T since it last heard n2, its own timeout not yet
    await manual.deliver(vote('n3', 2, true))
    expect(ofType(manual.take(), 'vote-reply')).toMatchObject([{ granted: true, pre: true, term: 2 }])
    expect(manual.node.term).toBe(1)
    expect(manual.node.leader).toBe('n2')
  })

  it('refuses a vote to a candidate whose log is behind, and a second candidate in the same term', async () => {
    const manual = await manualNode({
      prepare: async disk => {
        await disk.saveHardState({ term: 2 })
        await disk.append([{ index: 1, term: 1, command: 1 }, { index: 2, term: 2, command: 1 }])
      }
    })
    await manual.clock.advance(1000)
    await manual.deliver(vote('n2', 3, false, { index: 5, term: 1 }))
    expect(ofType(manual.take(), 'vote-reply')).toMatchObject([{ granted: false, term: 3 }])
    await manual.deliver(vote('n2', 3, false, { index: 2, term: 2 }))
    await manual.deliver(vote('n3', 3, false, { index: 9, term: 2 }))
    expect(ofType(manual.take(), 'vote-reply').map(reply => [reply.from, reply.to, reply.granted])).toEqual([['n1', 'n2', true], ['n1', 'n3', false]])
  })

  it('answers a log mismatch with hints that skip a whole term', async () => {
    const manual = await manualNode({
      prepare: async disk => {
        await disk.saveHardState({ term: 2 })
        await disk.append([1, 1, 2, 2, 2].map((term, i) => ({ index: i + 1, term, command: 1 })))
      }
    })
    await manual.deliver(append('n2', 3, { prevLogIndex: 5, prevLogTerm: 3 }))
    await manual.deliver(append('n2', 3, { prevLogIndex: 7, prevLogTerm: 3 }))
    const replies = ofType(manual.take(), 'append-reply')
    expect(replies).toMatchObject([{ success: false, conflictTerm: 2, conflictIndex: 3 }, { success: false, conflictIndex: 6 }])
    // The leader's entries replace the conflicting ones; commit only up to what matched.
    await manual.deliver(append('n2', 3, { prevLogIndex: 2, prevLogTerm: 1, entries: [{ index: 3, term: 3, command: 10 }], leaderCommit: 9 }))
    expect(ofType(manual.take(), 'append-reply')).toMatchObject([{ success: true, matchIndex: 3 }])
    expect(manual.node.status()).toMatchObject({ lastIndex: 3, commitIndex: 3, appliedIndex: 3 })
    expect(manual.machine.total).toBe(12)
    expect((await manual.storage.disk.load()).entries.map(entry => entry.term)).toEqual([1, 1, 3])
  })

  it('commits an earlier term\'s entry only together with one of its own (Raft §5.4.2, Figure 8)', async () => {
    const manual = await manualNode({
      prepare: async disk => {
        await disk.saveHardState({ term: 2 })
        await disk.append([{ index: 1, term: 1, command: 1 }, { index: 2, term: 2, command: 2 }])
      }
    })
    await lead(manual)
    const appends = ofType(manual.take(), 'append')
    const toN2 = appends.find(message => message.to === 'n2') as AppendRequest<number>
    expect(toN2).toMatchObject({ prevLogIndex: 2, prevLogTerm: 2, entries: [{ index: 3, term: 3 }] })
    const reply = (matchIndex: number): AppendReply => ({ type: 'append-reply', from: 'n2', to: 'n1', term: 3, success: true, matchIndex, stamp: toN2.stamp })
    await manual.deliver(reply(2))
    expect(manual.node.status().commitIndex).toBe(0) // n2 holds index 2, but it is of term 2
    await manual.deliver(reply(3))
    expect(manual.node.status()).toMatchObject({ commitIndex: 3, appliedIndex: 3 })
    expect(manual.machine.total).toBe(3)
  })

  it('holds the lease only while a majority answered recently, and steps down when nobody answers for T', async () => {
    const manual = await manualNode()
    await lead(manual)
    expect(manual.node.hasLease()).toBe(false) // nobody has accepted it yet
    const first = ofType(manual.take(), 'append').find(message => message.to === 'n2') as AppendRequest<number>
    await manual.deliver({ type: 'append-reply', from: 'n2', to: 'n1', term: 1, success: true, matchIndex: 1, stamp: first.stamp })
    expect(manual.node.status()).toMatchObject({ commitIndex: 1, lease: true })
    expect(manual.node.read(machine => machine.status().total)).toBe(0)
    await manual.clock.advance(899)
    expect(manual.node.hasLease()).toBe(true)
    await manual.clock.advance(2)
    expect(manual.node.hasLease()).toBe(false)
    expect(() => manual.node.read(() => 0)).toThrow(NotLeaderError)
    expect(manual.node.role).toBe('leader')
    await manual.clock.advance(1100)
    expect(manual.node.role).toBe('follower')
    expect(manual.node.term).toBe(1)
  })

  it('proposals: NotLeaderError on a follower, the result once committed, LeadershipLostError when the term ends first', async () => {
    const follower = await manualNode()
    await follower.deliver(append('n2', 1))
    await expect(follower.node.propose(1)).rejects.toMatchObject({ name: 'NotLeaderError', leader: 'n2' })

    const single = await manualNode({ voters: ['n1'] })
    await single.clock.advance(1500)
    expect(single.node.role).toBe('leader')
    expect(await single.node.propose(5)).toBe(5)
    expect(await Promise.all([single.node.propose(1), single.node.propose(2)])).toEqual([6, 8])

    const manual = await manualNode()
    await lead(manual)
    const pending = manual.node.propose(7).catch((error: unknown) => error)
    const abandoned = new AbortController()
    const aborted = manual.node.propose(8, { signal: abandoned.signal })
    abandoned.abort()
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' })
    await manual.deliver(append('n3', 2)) // a newer leader
    expect(await pending).toBeInstanceOf(LeadershipLostError)
    expect(manual.node.status()).toMatchObject({ role: 'follower', term: 2, leader: 'n3' })
  })

  it('installs a snapshot from the leader and keeps the entries after it when they match', async () => {
    const manual = await manualNode({ config: { snapshotThreshold: 3 } })
    const entries = [1, 2, 3, 4].map(i => ({ index: i, term: 1, command: i }))
    await manual.deliver(append('n2', 1, { entries, leaderCommit: 4 }))
    expect(manual.machine.total).toBe(10)
    expect(manual.node.status().snapshotIndex).toBe(4) // compacted on its own
    const leaderState = new TextEncoder().encode('100')
    await manual.deliver({ type: 'snapshot', from: 'n2', to: 'n1', term: 1, snapshot: { lastIndex: 9, lastTerm: 1, data: leaderState }, stamp: 1 })
    expect(ofType(manual.take(), 'append-reply').pop()).toMatchObject({ success: true, matchIndex: 9 })
    expect(manual.node.status()).toMatchObject({ snapshotIndex: 9, commitIndex: 9, appliedIndex: 9, lastIndex: 9 })
    expect(manual.machine.total).toBe(100)
    const stored = await manual.storage.disk.load()
    expect(stored.snapshot).toMatchObject({ lastIndex: 9, lastTerm: 1 })
    expect(stored.entries).toEqual([])
  })

  it('a stale leader learns the new term from the answer and steps down', async () => {
    const manual = await manualNode()
    await lead(manual)
    manual.take()
    await manual.deliver({ type: 'append-reply', from: 'n2', to: 'n1', term: 7, success: false, matchIndex: 0, stamp: 0 })
    expect(manual.node.status()).toMatchObject({ role: 'follower', term: 7 })
    // And it tells a leader of an older term about the newer one.
    await manual.deliver(append('n3', 3))
    expect(ofType(manual.take(), 'append-reply')).toMatchObject([{ to: 'n3', term: 7, success: false }])
  })
})
