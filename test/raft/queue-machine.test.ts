import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { InvalidQueueCommandError } from '../../src/errors.ts'
import { parseQueueCommand, PRIORITIES } from '../../src/raft/queue-commands.ts'
import type { GenerationRequest, Priority, QueueCommand } from '../../src/raft/queue-commands.ts'
import { QueueMachine } from '../../src/raft/queue-machine.ts'
import type { QueueResult } from '../../src/raft/queue-machine.ts'
import type { Entry } from '../../src/raft/types.ts'

/** A machine fed like the log feeds it: each entry with its index and term. */
class Fed {
  readonly machine = new QueueMachine()
  private index = 0

  apply (term: number, command?: QueueCommand): QueueResult | undefined {
    const entry: Entry<QueueCommand> = command === undefined ? { index: ++this.index, term } : { index: ++this.index, term, command }
    return this.machine.apply(entry)
  }
}

function request (id: string, options: Partial<GenerationRequest> = {}): QueueCommand {
  return {
    type: 'request',
    request: {
      id,
      address: `ucxl://p/${id}.ts`,
      role: 'backend_developer',
      priority: 'normal',
      sourceHash: `hash-${id}`,
      sourceKey: `source/${id}`,
      generatorVersion: 'static/1',
      dependsOn: [],
      ...options
    }
  }
}

const claimable = (machine: QueueMachine, limit = 100): string[] => machine.claimable(limit).map(queued => queued.request.id)
const state = (machine: QueueMachine, id: string): string | undefined => machine.get(id)?.state

describe('generation queue machine', () => {
  it('queues a request once: the same id again changes nothing, the same content under a new id points to the first', () => {
    const fed = new Fed()
    fed.apply(1)
    expect(fed.apply(1, request('a'))).toMatchObject({ ok: true, outcome: 'queued', canonicalId: 'a' })
    const before = fed.machine.snapshot()
    expect(fed.apply(1, request('a', { address: 'ucxl://p/other.ts' }))).toMatchObject({ ok: true, outcome: 'duplicate', canonicalId: 'a' })
    expect(fed.machine.snapshot()).toEqual(before)
    expect(fed.apply(1, request('b', { sourceHash: 'hash-a', address: 'ucxl://p/a.ts', priority: 'urgent' }))).toMatchObject({ ok: true, outcome: 'deduplicated', canonicalId: 'a' })
    expect(fed.machine.get('b')?.request.id).toBe('a')
    // A new generator version is new content.
    expect(fed.apply(1, request('c', { sourceHash: 'hash-a', address: 'ucxl://p/a.ts', generatorVersion: 'static/2' }))).toMatchObject({ outcome: 'queued' })
    expect(fed.machine.status()).toMatchObject({ pending: { normal: 2 }, aliases: 1 })
  })

  it('refuses a request that depends on one it does not know, and bad commands, without changing state', () => {
    const fed = new Fed()
    fed.apply(1)
    const before = fed.machine.snapshot()
    expect(fed.apply(1, request('a', { dependsOn: ['nope'] }))).toMatchObject({ ok: false })
    expect(fed.apply(1, { type: 'request', request: { id: 'x' } } as unknown as QueueCommand)).toMatchObject({ ok: false })
    expect(fed.apply(1, { type: 'explode' } as unknown as QueueCommand)).toMatchObject({ ok: false })
    expect(fed.machine.snapshot()).toEqual(before)
    expect(() => parseQueueCommand({ type: 'claim', term: 0, ids: ['a'] })).toThrow(InvalidQueueCommandError)
    expect(() => parseQueueCommand(request('a', { dependsOn: ['a'] }))).toThrow(InvalidQueueCommandError)
    expect(() => parseQueueCommand(request('a', { priority: 'whenever' as Priority }))).toThrow(InvalidQueueCommandError)
  })

  it('hands out work by priority, then by arrival, and holds dependants until their prerequisites finish', () => {
    const fed = new Fed()
    fed.apply(1)
    fed.apply(1, request('low', { priority: 'low' }))
    fed.apply(1, request('n1'))
    fed.apply(1, request('u1', { priority: 'urgent' }))
    fed.apply(1, request('n2'))
    fed.apply(1, request('dir', { priority: 'urgent', dependsOn: ['n1', 'n2'] }))
    expect(claimable(fed.machine)).toEqual(['u1', 'n1', 'n2', 'low'])
    expect(fed.apply(1, { type: 'claim', term: 1, ids: ['u1', 'n1', 'dir'] })).toEqual({ ok: true, type: 'claim', ids: ['u1', 'n1'] })
    fed.apply(1, { type: 'complete', term: 1, requestId: 'n1', result: { key: 'k/n1', version: '1' } })
    expect(claimable(fed.machine)).toEqual(['n2', 'low'])
    fed.apply(1, { type: 'claim', term: 1, ids: ['n2'] })
    fed.apply(1, { type: 'fail', term: 1, requestId: 'n2', reason: 'binary file', retry: false })
    // Failed counts as finished: the directory is summarised from what there is.
    expect(claimable(fed.machine)).toEqual(['dir', 'low'])
  })

  it('fences work by term: a new leader requeues what was in flight, and a completion from a lower term than the latest claim is refused', () => {
    const fed = new Fed()
    fed.apply(1)
    fed.apply(1, request('a'))
    fed.apply(1, request('b'))
    fed.apply(1, { type: 'claim', term: 1, ids: ['a', 'b'] })
    expect(fed.machine.status().inFlight).toBe(2)
    fed.apply(2) // the new leader's no-op
    expect(state(fed.machine, 'a')).toBe('pending')
    expect(fed.apply(2, { type: 'claim', term: 1, ids: ['a'] })).toMatchObject({ ok: false }) // the old term's claim is void
    // b's old-term result arrives before anyone claimed b again: taken, the work is done.
    expect(fed.apply(2, { type: 'complete', term: 1, requestId: 'b', result: { key: 'k/b', version: '1' } })).toMatchObject({ ok: true })
    fed.apply(2, { type: 'claim', term: 2, ids: ['a'] })
    expect(fed.apply(2, { type: 'complete', term: 1, requestId: 'a', result: { key: 'k/a', version: 'old' } })).toMatchObject({ ok: false })
    expect(fed.apply(2, { type: 'complete', term: 2, requestId: 'a', result: { key: 'k/a', version: 'new' } })).toMatchObject({ ok: true })
    expect(fed.machine.get('a')?.result).toEqual({ key: 'k/a', version: 'new', term: 2 })
    // The same report again is fine; a different one is not.
    expect(fed.apply(2, { type: 'complete', term: 2, requestId: 'a', result: { key: 'k/a', version: 'new' } })).toMatchObject({ ok: true })
    expect(fed.apply(2, { type: 'complete', term: 2, requestId: 'a', result: { key: 'k/a', version: 'other' } })).toMatchObject({ ok: false })
    expect(fed.apply(2, { type: 'complete', term: 2, requestId: 'ghost', result: { key: 'k', version: '1' } })).toMatchObject({ ok: false })
    expect(fed.machine.status()).toMatchObject({ done: 2, inFlight: 0 })
  })

  it('requeues in flight work on request and retries failures, keeping arrival order', () => {
    const fed = new Fed()
    fed.apply(3)
    for (const id of ['a', 'b', 'c']) fed.apply(3, request(id))
    fed.apply(3, { type: 'claim', term: 3, ids: ['a', 'b'] })
    expect(fed.apply(3, { type: 'requeue', term: 3, ids: ['a', 'c'] })).toEqual({ ok: true, type: 'requeue', ids: ['a'] })
    expect(fed.apply(3, { type: 'fail', term: 3, requestId: 'b', reason: 'timeout', retry: true })).toMatchObject({ ok: true })
    expect(claimable(fed.machine)).toEqual(['a', 'b', 'c'])
    expect(fed.machine.get('b')?.attempts).toBe(1)
    expect(fed.apply(3, { type: 'fail', term: 3, requestId: 'b', reason: 'again', retry: true })).toMatchObject({ ok: false }) // not in flight
  })
})

// ---- properties --------------------------------------------------------------

const IDS = ['a', 'b', 'c', 'd', 'e', 'f']

/** A random but plausible command stream: terms never go down, ids from a small pool so they collide. */
const commandStream = fc.array(fc.record({
  bump: fc.boolean(),
  noop: fc.boolean(),
  kind: fc.constantFrom('request', 'request', 'claim', 'complete', 'fail', 'requeue'),
  id: fc.constantFrom(...IDS),
  ids: fc.uniqueArray(fc.constantFrom(...IDS), { minLength: 1, maxLength: 4 }),
  priority: fc.constantFrom(...PRIORITIES),
  content: fc.integer({ min: 0, max: 3 }),
  deps: fc.uniqueArray(fc.constantFrom(...IDS), { maxLength: 2 }),
  staleTerm: fc.boolean(),
  retry: fc.boolean()
}), { maxLength: 60 }).map(steps => {
  let term = 1
  const entries: Array<{ term: number, command?: QueueCommand }> = [{ term }]
  for (const step of steps) {
    if (step.bump) {
      term++
      entries.push({ term })
    }
    const workTerm = step.staleTerm && term > 1 ? term - 1 : term
    let command: QueueCommand
    switch (step.kind) {
      case 'request':
        command = request(step.id, {
          priority: step.priority,
          address: `ucxl://p/${step.content}.ts`,
          sourceHash: `h${step.content}`,
          dependsOn: step.deps.filter(dep => dep !== step.id)
        })
        break
      case 'claim': command = { type: 'claim', term: workTerm, ids: step.ids }; break
      case 'complete': command = { type: 'complete', term: workTerm, requestId: step.id, result: { key: `k/${step.id}`, version: String(workTerm) } }; break
      case 'fail': command = { type: 'fail', term: workTerm, requestId: step.id, reason: 'x', retry: step.retry }; break
      default: command = { type: 'requeue', term: workTerm, ids: step.ids }
    }
    entries.push({ term, command })
  }
  return entries
})

function run (entries: ReadonlyArray<{ term: number, command?: QueueCommand }>): Fed {
  const fed = new Fed()
  for (const entry of entries) fed.apply(entry.term, entry.command)
  return fed
}

describe('generation queue machine properties', () => {
  it('duplicates (a command delivered twice in a row, a request sent again later) leave the same state as none', () => {
    fc.assert(fc.property(commandStream, fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }), (entries, doubled, resent) => {
      const withDuplicates = entries.map(entry => [entry])
      for (const at of doubled) {
        if (entries.length === 0) break
        const i = at % entries.length
        withDuplicates[i]?.push(entries[i] as typeof entries[number])
      }
      // A request that was taken, re-sent later in the log (a client retry).
      const fed = new Fed()
      const taken = entries.map(entry => fed.apply(entry.term, entry.command)?.ok === true)
      for (const [from, gap] of resent) {
        if (entries.length === 0) break
        const i = from % entries.length
        const original = entries[i] as typeof entries[number]
        if (original.command?.type !== 'request' || taken[i] !== true) continue
        const j = i + (gap % (entries.length - i))
        const at = withDuplicates[j] as Array<typeof entries[number]>
        at.push({ term: (at[at.length - 1] as typeof entries[number]).term, command: original.command })
      }
      expect(run(withDuplicates.flat()).machine.snapshot()).toEqual(run(entries).machine.snapshot())
    }), { numRuns: 300 })
  })

  it('claims follow priority, then arrival, and never take a request whose prerequisites are unfinished', () => {
    fc.assert(fc.property(commandStream, fc.integer({ min: 1, max: 6 }), (entries, limit) => {
      const machine = run(entries).machine
      const rank = (priority: Priority): number => PRIORITIES.indexOf(priority)
      const ready = machine.all()
        .filter(queued => queued.state === 'pending')
        .filter(queued => queued.request.dependsOn.every(dep => ['done', 'failed'].includes(machine.get(dep)?.state ?? '')))
        .sort((x, y) => rank(x.request.priority) - rank(y.request.priority) || x.seq - y.seq)
        .map(queued => queued.request.id)
      expect(claimable(machine, limit)).toEqual(ready.slice(0, limit))
      // And what a claim of those takes is exactly them.
      const term = machine.status().term
      const fed = run([...entries, { term, command: { type: 'claim', term, ids: [...IDS].reverse() } }])
      const claimed = fed.machine.all().filter(queued => queued.state === 'in-flight' && queued.claimTerm === term && machine.get(queued.request.id)?.state === 'pending')
      expect(claimed.map(queued => queued.request.id).sort()).toEqual([...ready].sort())
    }), { numRuns: 300 })
  })

  it('a snapshot restored gives an equal machine that goes on the same way', () => {
    fc.assert(fc.property(commandStream, commandStream, (first, then) => {
      const original = run(first)
      const copy = new Fed()
      copy.machine.restore(original.machine.snapshot())
      expect(copy.machine.snapshot()).toEqual(original.machine.snapshot())
      expect(copy.machine.status()).toEqual(original.machine.status())
      expect(copy.machine.claimable(10)).toEqual(original.machine.claimable(10))
      const base = original.machine.status().term
      for (const entry of then) {
        const term = Math.max(entry.term, base)
        expect(copy.apply(term, entry.command)).toEqual(original.apply(term, entry.command))
      }
      expect(copy.machine.snapshot()).toEqual(original.machine.snapshot())
    }), { numRuns: 200 })
  })
})
