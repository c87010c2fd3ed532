/** A small seeded PRNG (mulberry32): every fault run replays exactly from its seed. */
export class Random {
  private state: number

  constructor (readonly seed: number) {
    this.state = seed >>> 0
  }

  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int (below: number): number {
    return Math.floor(this.next() * below)
  }

  pick<T> (items: readonly T[]): T {
    return items[this.int(items.length)] as T
  }
}
