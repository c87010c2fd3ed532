/**
 * Virtual time for the Raft simulation: a heap of events ordered by time, then
 * by the order they were scheduled. After each event the scheduler lets every
 * promise continuation run (a macrotask turn) before the next event, so the
 * nodes' async steps finish "at" the event's time and a run replays exactly.
 */
interface Event {
  time: number
  seq: number
  fn: () => void
  cancelled: boolean
}

const drain = async (): Promise<void> => { await new Promise<void>(resolve => { setImmediate(resolve) }) }

export class Scheduler {
  now = 0
  events = 0
  /** A run that takes more events than this has a livelock (something rescheduling itself without time passing). */
  maxEvents = 400_000
  private readonly heap: Event[] = []
  private seq = 0

  at (time: number, fn: () => void): () => void {
    const event: Event = { time: Math.max(time, this.now), seq: this.seq++, fn, cancelled: false }
    this.push(event)
    return () => { event.cancelled = true }
  }

  after (ms: number, fn: () => void): () => void {
    return this.at(this.now + Math.max(0, ms), fn)
  }

  async sleep (ms: number): Promise<void> {
    await new Promise<void>(resolve => { this.after(ms, resolve) })
  }

  /** Runs events until `done()` holds (checked after each) or time passes `until`. Returns whether `done()` held. */
  async run (until: number, done: () => boolean = () => false): Promise<boolean> {
    await drain()
    while (this.heap.length > 0) {
      if (done()) return true
      const event = this.pop() as Event
      if (event.cancelled) continue
      if (event.time > until) {
        this.push(event)
        this.now = until
        return done()
      }
      this.now = event.time
      if (++this.events > this.maxEvents) throw new Error(`runaway simulation: over ${this.maxEvents} events by ${this.now.toFixed(0)} ms`)
      event.fn()
      await drain()
    }
    this.now = Math.max(this.now, until)
    return done()
  }

  private push (event: Event): void {
    const heap = this.heap
    heap.push(event)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i] as Event, heap[parent] as Event)) break
      ;[heap[i], heap[parent]] = [heap[parent] as Event, heap[i] as Event]
      i = parent
    }
  }

  private pop (): Event | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < heap.length && before(heap[left] as Event, heap[smallest] as Event)) smallest = left
        if (right < heap.length && before(heap[right] as Event, heap[smallest] as Event)) smallest = right
        if (smallest === i) break
        ;[heap[i], heap[smallest]] = [heap[smallest] as Event, heap[i] as Event]
        i = smallest
      }
    }
    return top
  }
}

function before (a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq)
}
