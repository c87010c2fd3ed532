/** Randomness the node uses for its election timeouts, injected so a simulation replays exactly from a seed. */
export interface Random {
  /** A number in [0, 1). */
  next: () => number
}

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every runtime. */
export function seededRandom (seed: number): Random {
  let state = seed >>> 0
  return {
    next: () => {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}

/** Unpredictable randomness for production (Web Crypto, present on every runtime slurp supports). */
export function systemRandom (): Random {
  const buffer = new Uint32Array(1)
  return {
    next: () => {
      crypto.getRandomValues(buffer)
      return (buffer[0] as number) / 4294967296
    }
  }
}
