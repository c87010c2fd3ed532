import type { KadDHT } from '@libp2p/kad-dht'

/**
 * kad-dht checks every PUT_VALUE against a validator chosen by the key's first
 * path segment, and a get with any value needs a selector for it. Out of the
 * box it knows only `pk`, whose values must be public keys: a relay answers
 * a put under `/slurp/…` by resetting the stream ("No validator available for
 * key type slurp"), so only the writer's own copy exists. slurp's nodes take
 * no validators option, so the bench registers an accept-all validator and a
 * first-record selector for its own namespace in each node's (public, mutable)
 * `validators` and `selectors` maps after start. The reference therefore does
 * no validation at all: it is kad-dht's floor, not a like-for-like store.
 */
export const RAW_NAMESPACE = 'bench'

export function registerRawNamespace (dht: KadDHT): void {
  dht.validators[RAW_NAMESPACE] = async () => {}
  dht.selectors[RAW_NAMESPACE] = () => 0
}

export function rawKey (label: string): Uint8Array {
  return new TextEncoder().encode(`/${RAW_NAMESPACE}/${label}`)
}

export interface RawPut {
  /** Relays that answered PUT_VALUE with the value (kad-dht sends it to the k = 20 closest it finds). */
  readonly stored: number
  readonly errors: number
}

/** `dht.put` run to the end: a FIND_NODE lookup, then PUT_VALUE to every closest peer found. */
export async function rawPut (dht: KadDHT, key: Uint8Array, value: Uint8Array): Promise<RawPut> {
  let stored = 0
  let errors = 0
  for await (const event of dht.put(key, value)) {
    if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') stored++
    else if (event.name === 'QUERY_ERROR') errors++
  }
  return { stored, errors }
}

export interface RawGet {
  /** Until `dht.get` ends: the whole GET_VALUE walk, which asks every closest peer. */
  readonly totalMs: number
  /** Until the first relay's answer carrying the value: the least any kad-dht get could wait. */
  readonly firstMs: number
  readonly found: boolean
}

export async function rawGet (dht: KadDHT, key: Uint8Array): Promise<RawGet> {
  const started = performance.now()
  let firstMs = Number.NaN
  let found = false
  for await (const event of dht.get(key)) {
    if (event.name === 'PEER_RESPONSE' && event.record != null && Number.isNaN(firstMs)) firstMs = performance.now() - started
    if (event.name === 'VALUE') found = true
  }
  return { totalMs: performance.now() - started, firstMs, found }
}
