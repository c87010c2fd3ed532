import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createCoordinatorClient } from '../../src/coordinator/client.ts'
import { requestSubmit } from '../../src/coordinator/protocol.ts'
import { AbortError, InvalidQueueCommandError, NoLeaderError } from '../../src/errors.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { TestCluster, generationRequest, until } from './voters.ts'
import type { TestVoter, WorkCall } from './voters.ts'

// Three voters on loopback TCP, each with its Raft log in LevelDB, and the
// leader's work writing to a shared store that fences by term: what a
// request goes through from a member's submit to its stored result.

let root = ''
let cluster: TestCluster | undefined
beforeAll(async () => { root = await mkdtemp(join(tmpdir(), 'slurp-coordinator-')) })
afterEach(async () => { await cluster?.stop(); cluster = undefined })
afterAll(async () => { await rm(root, { recursive: true, force: true }) })

let runs = 0
async function started (): Promise<TestCluster> {
  cluster = await TestCluster.start(join(root, `run-${runs++}`))
  await until(() => cluster?.agreedLeader() !== undefined, 'the voters to agree on a leader')
  return cluster
}

function follower (of: TestCluster): TestVoter {
  const leader = of.agreedLeader()
  return of.running.find(voter => voter !== leader) as TestVoter
}

const signal = (): AbortSignal => AbortSignal.timeout(20_000)

describe('coordinators on libp2p', () => {
  it('three voters elect exactly one leader, and every voter names it', async () => {
    const voters = await started()
    const leader = voters.agreedLeader() as TestVoter
    const statuses = voters.voters.map(voter => voter.coordinator.status())
    expect(statuses.filter(status => status.role === 'leader')).toHaveLength(1)
    expect(new Set(statuses.map(status => status.leader))).toEqual(new Set([leader.id]))
    // No term ever had two leaders, as any voter heard of them.
    const leadersByTerm = new Map<number, Set<string>>()
    for (const voter of voters.voters) {
      for (const event of voter.events) {
        if (event.type === 'leader') leadersByTerm.set(event.term, (leadersByTerm.get(event.term) ?? new Set()).add(event.leader))
      }
    }
    for (const leaders of leadersByTerm.values()) expect(leaders.size).toBe(1)
    // The leader's view of the voters: itself, and two followers that confirmed its log.
    await until(() => leader.coordinator.status().voters.every(state => state.matchIndex !== undefined && state.matchIndex >= 1), 'the followers to confirm the leader\'s log')
    const view = leader.coordinator.status().voters
    expect(view.map(state => state.id).sort()).toEqual(voters.ids.sort())
    expect(view.filter(state => !state.self).every(state => state.lastContactMs !== undefined)).toBe(true)
  })

  it('a request submitted to a follower is acknowledged once committed, and worked exactly once by the leader', async () => {
    const voters = await started()
    const leader = voters.agreedLeader() as TestVoter
    const asked = voters.voters.find(voter => voter !== leader) as TestVoter
    const request = generationRequest()
    const ack = await asked.coordinator.submit(request, { signal: signal() })
    expect(ack).toMatchObject({ requestId: request.id, canonicalId: request.id, outcome: 'queued' })
    // Acknowledged means on a majority's disk already.
    const holding = await Promise.all(voters.voters.map(async voter => await voters.requestEntries(voter, request.id)))
    expect(holding.filter(count => count === 1).length).toBeGreaterThanOrEqual(2)
    const outcome = await asked.coordinator.waitFor(request.id, { signal: signal() })
    expect(outcome).toMatchObject({ requestId: request.id, state: 'done', result: { key: `context/${request.id}` } })
    const finished = voters.calls.filter(call => call.requestId === request.id && call.aborted !== true)
    expect(finished).toHaveLength(1)
    // By the voter that led the term that claimed it (the leader above, unless a slow machine made it step down since).
    const worker = voters.voters.find(voter => voter.name === finished[0]?.voter) as TestVoter
    expect(worker.events).toContainEqual({ type: 'leader', term: finished[0]?.term, leader: worker.id })
    expect(voters.results.accepted).toBe(1)
    await until(() => voters.voters.every(voter => voter.coordinator.status().queue.done === 1), 'every voter to apply the completion')
  })

  it('a leader stopped mid-work is replaced; the request completes once, and the old leader\'s late result is fenced', async () => {
    const voters = await started()
    const old = voters.agreedLeader() as TestVoter
    let release = (): void => {}
    const held = new Promise<void>(resolve => { release = resolve })
    let oldCall: WorkCall | undefined
    voters.gate = async call => {
      if (call.voter !== old.name) return
      oldCall = call
      await held
    }
    const request = generationRequest()
    await follower(voters).coordinator.submit(request, { signal: signal() })
    await until(() => oldCall !== undefined, 'the leader to start the work')
    await voters.kill(old)
    const outcome = await voters.running[0]?.coordinator.waitFor(request.id, { signal: signal() })
    const next = voters.agreedLeader() ?? voters.running.find(voter => voter.coordinator.status().role === 'leader')
    expect(next).toBeDefined()
    expect(next?.id).not.toBe(old.id)
    const newTerm = outcome?.result?.term as number
    expect(newTerm).toBeGreaterThan(oldCall?.term as number)
    // The deposed leader's work finishes late: the store refuses its older term.
    release()
    await until(() => oldCall?.end !== undefined, 'the old work to finish')
    expect(oldCall?.end).toBe('fenced')
    expect(voters.results.fenced).toBe(1)
    expect(voters.results.held.get(request.id)).toEqual({ term: newTerm, writer: next?.name })
    expect(voters.calls.filter(call => call.requestId === request.id && call.end === 'stored')).toHaveLength(1)
    await until(() => voters.running.every(voter => voter.coordinator.status().queue.done === 1 && voter.coordinator.status().queue.inFlight === 0), 'both survivors to apply the completion')
  })

  it('a voter cut off from the majority refuses by name, and retry-ably', async () => {
    const voters = await started()
    const [alone, ...others] = voters.voters as [TestVoter, ...TestVoter[]]
    for (const voter of others) await voters.kill(voter)
    await until(() => alone.coordinator.status().leader === undefined, 'the survivor to stop naming a leader')
    const refusal = await alone.coordinator.submit(generationRequest(), { signal: signal() }).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(NoLeaderError)
    expect((refusal as NoLeaderError).retryAfterMs).toBeGreaterThan(0)
  })

  describe('from a member that is not a voter', () => {
    let member: SlurpLibp2p | undefined
    afterEach(async () => { await member?.stop(); member = undefined })

    it('retries with the same id leave one entry in the log; the same content points to the first request', async () => {
      const voters = await started()
      member = await createSlurpNode({ kind: 'peer', listen: [] })
      await member.start()
      const client = createCoordinatorClient({ libp2p: member, voters: voters.voters.map(voter => multiaddr(`${voter.address}/p2p/${voter.id}`)) })
      for (const voter of voters.voters) await member.peerStore.merge(voter.libp2p.peerId, { multiaddrs: [multiaddr(voter.address)] })
      const request = generationRequest()
      // The same request through every voter at once, then once more: one entry.
      const acks = await Promise.all([...voters.voters.map(async voter => await requestSubmit(member as SlurpLibp2p, voter.libp2p.peerId, request, { signal: signal() })), client.submit(request, { signal: signal() })])
      const again = await client.submit(request, { signal: signal() })
      expect([...acks, again].every(ack => ack.canonicalId === request.id)).toBe(true)
      // Retries that arrive while the first is being committed join it; later ones find it.
      expect([...acks, again].every(ack => ack.outcome === 'queued' || ack.outcome === 'duplicate')).toBe(true)
      expect(again.outcome).toBe('duplicate')
      const leader = voters.agreedLeader() as TestVoter
      expect(await voters.requestEntries(leader, request.id)).toBe(1)
      const outcome = await client.waitFor(request.id, { signal: signal() })
      expect(outcome.state).toBe('done')
      // Another id for the same address, source and generator: the finished request's result.
      const same = await client.submit({ ...request, id: `${request.id}-again` }, { signal: signal() })
      expect(same).toMatchObject({ outcome: 'deduplicated', canonicalId: request.id, state: 'done', result: outcome.result })
      expect(voters.calls.filter(call => call.end === 'stored')).toHaveLength(1)
      const status = await client.status({ signal: signal() })
      expect(status).toMatchObject({ id: leader.id, role: 'leader', leader: leader.id, queue: { done: 1, aliases: 1 } })
    })

    it('a client whose voters cannot be reached keeps retrying until its signal fires', async () => {
      const voters = await started()
      member = await createSlurpNode({ kind: 'peer', listen: [] })
      await member.start()
      const client = createCoordinatorClient({ libp2p: member, voters: voters.ids, retryDelayMs: 20 })
      for (const voter of voters.voters) await voters.kill(voter)
      await expect(client.submit(generationRequest(), { signal: AbortSignal.timeout(500) })).rejects.toBeInstanceOf(AbortError)
      await expect(client.status({ signal: AbortSignal.timeout(200) })).rejects.toBeInstanceOf(AbortError)
    })

    it('a malformed request is refused by name and never enters the log', async () => {
      const voters = await started()
      member = await createSlurpNode({ kind: 'peer', listen: [] })
      await member.start()
      const target = follower(voters)
      await member.peerStore.merge(target.libp2p.peerId, { multiaddrs: [multiaddr(target.address)] })
      const bad = { ...generationRequest(), priority: 'whenever' }
      await expect(requestSubmit(member, target.libp2p.peerId, bad, { signal: signal() })).rejects.toBeInstanceOf(InvalidQueueCommandError)
      expect(await voters.requestEntries(voters.agreedLeader() as TestVoter, bad.id)).toBe(0)
    })
  })
})
