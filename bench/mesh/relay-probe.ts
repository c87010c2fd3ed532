import type { RelayNode } from '../../src/relay.ts'

/**
 * Service times on the relays' side (RecordKeeper: validate, merge, store;
 * or read), collected through the keeper's metrics hook, which the relay
 * process would otherwise give to its HTTP /metrics. Subtracted from a
 * peer's put or get, what remains is the network, the lookup and the peer.
 */
export class RelayProbe {
  private puts: number[] = []
  private gets: number[] = []

  constructor (relays: readonly RelayNode[]) {
    for (const relay of relays) {
      relay.keeper.metrics = {
        put: observation => { this.puts.push(observation.seconds * 1000) },
        get: observation => { this.gets.push(observation.seconds * 1000) }
      }
    }
  }

  drain (): { puts: number[], gets: number[] } {
    const drained = { puts: this.puts, gets: this.gets }
    this.puts = []
    this.gets = []
    return drained
  }
}
