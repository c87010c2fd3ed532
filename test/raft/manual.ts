import type { Clock } from '../../src/raft/clock.ts'
import type { RaftConfigInput } from '../../src/raft/config.ts'
import { RaftNode } from '../../src/raft/node.ts'
import type { Random } from '../../src/raft/random.ts'
import type { StateMachine } from '../../src/raft/state-machine.ts'
import { MemoryRaftStorage } from '../../src/raft/storage.ts'
import type { RaftStorage } from '../../src/raft/storage.ts'
import type { Entry, HardState, RaftMessage, Snapshot } from '../../src/raft/types.ts'

/**
 * One RaftNode driven by hand, for tests of single rules: a clock that moves
 * only when told, a transport that keeps what the node sends and delivers what
 * the test hands it, and storage whose hard-state writes can be held back.
 */
export class ManualClock implements Clock {
  private time = 0
  private timers: Array<{ at: number, callback: () => void, live: boolean }> = []

  now = (): number => this.time

  setTimer = (ms: number, callback: () => void): () => void => {
    const timer = { at: this.time + ms, callback, live: true }
    this.timers.push(timer)
    return () => { timer.live = false }
  }

  /** Moves time forward, firing due timers in order (each fired timer's node task runs before the next). */
  async advance (ms: number): Promise<void> {
    const until = this.time + ms
    for (;;) {
      const due = this.timers.filter(timer => timer.live && timer.at <= until).sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      due.live = false
      this.time = Math.max(this.time, due.at)
      due.callback()
      await settle()
    }
    this.time = until
    this.timers = this.timers.filter(timer => timer.live)
  }
}

/** Lets the node's queued tasks run to their end (its storage calls resolve at once). */
export async function settle (): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise(resolve => setTimeout(resolve, 0))
}

/** A counter: enough state machine to see entries applied in order. */
export class Counter implements StateMachine<number, number, { total: number }> {
  total = 0
  apply (entry: Entry<number>): number | undefined {
    if (entry.command === undefined) return undefined
    this.total += entry.command
    return this.total
  }

  snapshot (): Uint8Array { return new TextEncoder().encode(String(this.total)) }
  restore (data: Uint8Array): void { this.total = Number(new TextDecoder().decode(data)) }
  status (): { total: number } { return { total: this.total } }
}

/** Memory storage whose term-and-vote writes wait until the test releases them. */
export class HeldStorage<C> implements RaftStorage<C> {
  readonly disk = new MemoryRaftStorage<C>()
  holding = false
  private held: Array<() => void> = []
  writes: HardState[] = []

  load = async (): ReturnType<RaftStorage<C>['load']> => await this.disk.load()
  append = async (entries: ReadonlyArray<Entry<C>>): Promise<void> => { await this.disk.append(entries) }
  truncateFrom = async (index: number): Promise<void> => { await this.disk.truncateFrom(index) }
  saveSnapshot = async (snapshot: Snapshot): Promise<void> => { await this.disk.saveSnapshot(snapshot) }

  saveHardState = async (state: HardState): Promise<void> => {
    if (this.holding) await new Promise<void>(resolve => { this.held.push(resolve) })
    await this.disk.saveHardState(state)
    this.writes.push(state)
  }

  release (): void {
    this.holding = false
    for (const resolve of this.held.splice(0)) resolve()
  }
}

export const fixedRandom = (value: number): Random => ({ next: () => value })

export interface Manual {
  node: RaftNode<number, number, { total: number }>
  clock: ManualClock
  storage: HeldStorage<number>
  machine: Counter
  sent: Array<RaftMessage<number>>
  deliver: (message: RaftMessage<number>) => Promise<void>
  /** Messages sent since the last call. */
  take: () => Array<RaftMessage<number>>
}

export async function manualNode (options: { voters?: string[], random?: number, config?: Partial<RaftConfigInput>, prepare?: (disk: MemoryRaftStorage<number>) => Promise<void> } = {}): Promise<Manual> {
  const clock = new ManualClock()
  const storage = new HeldStorage<number>()
  await options.prepare?.(storage.disk)
  const machine = new Counter()
  const sent: Array<RaftMessage<number>> = []
  let handler: ((message: RaftMessage<number>) => void) | undefined
  const node = new RaftNode<number, number, { total: number }>({
    config: { id: 'n1', voters: options.voters ?? ['n1', 'n2', 'n3'], electionTimeoutMs: 1000, heartbeatMs: 100, ...options.config },
    clock,
    transport: {
      send: (_to, message) => { sent.push(message) },
      onMessage: h => { handler = h; return () => { handler = undefined } }
    },
    random: fixedRandom(options.random ?? 0.5),
    storage,
    machine
  })
  await node.start()
  let taken = 0
  return {
    node,
    clock,
    storage,
    machine,
    sent,
    deliver: async message => {
      handler?.(message)
      await settle()
    },
    take: () => {
      const fresh = sent.slice(taken)
      taken = sent.length
      return fresh
    }
  }
}
