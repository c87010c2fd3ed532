import type { PeerId } from '@libp2p/interface'

export interface FanOutResult<T> {
  /** Relays that answered, in the order they answered. */
  readonly answers: Array<{ peer: PeerId, value: T }>
  /** Relays that could not be asked (unreachable, not a relay, timed out). */
  readonly failures: Array<{ peer: PeerId, error: Error }>
}

/**
 * Asks the `count` closest candidates, and for every one that cannot be reached
 * asks the next closest instead, as Kademlia does: a dead or stale entry in the
 * routing table costs a retry, not a replica.
 */
export async function askClosest<T> (candidates: readonly PeerId[], count: number, ask: (peer: PeerId) => Promise<T>): Promise<FanOutResult<T>> {
  const answers: FanOutResult<T>['answers'] = []
  const failures: FanOutResult<T>['failures'] = []
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < candidates.length) {
      const peer = candidates[next++] as PeerId
      try {
        answers.push({ peer, value: await ask(peer) })
        return
      } catch (error) {
        failures.push({ peer, error: error as Error })
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(count, candidates.length) }, lane))
  return { answers, failures }
}
