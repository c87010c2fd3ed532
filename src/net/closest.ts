import { sha256 } from '@noble/hashes/sha2.js'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { protocolBook } from './protocol-book.ts'
import { RECORD_PROTOCOL } from './record-messages.ts'
import { askRelayDirectory } from './relay-directory.ts'
import { relayRoster } from './relay-roster.ts'

/**
 * Relays for a key, closest first by XOR distance between sha256(key) and
 * sha256(peer id), as Kademlia measures it: the first `count` are responsible
 * for it, the rest stand in when those cannot be reached (see askClosest).
 * Candidates are the certified relays already known, plus a DHT lookup
 * (bounded in time) when fewer than `lookupBelow` (default `count`) are known
 * or `lookup` is 'always': a lookup costs round trips to many peers, and the
 * relays a node talks to become known anyway. A peer the lookup finds counts
 * only once it has been dialled and identify brought its relay certificate:
 * anyone can answer a lookup or speak the record protocol, and a write
 * acknowledged by strangers is not stored.
 */
export async function closestRelays (node: Libp2p, dht: KadDHT | undefined, key: string, count: number, options: { signal?: AbortSignal, lookupMs?: number, lookup?: 'always' | 'when-needed', lookupBelow?: number, lookupQuietMs?: number } = {}): Promise<PeerId[]> {
  const keyBytes = new TextEncoder().encode(key)
  const candidates = new Map<string, PeerId>()
  for (const peer of await knownRelays(node)) candidates.set(peer.toString(), peer)
  const known = [...candidates.keys()].sort().join(' ')

  const needed = options.lookup === 'always' || (candidates.size < (options.lookupBelow ?? count) && !recentlyFruitless(node, known, options.lookupQuietMs ?? LOOKUP_QUIET_MS))
  if (dht !== undefined && needed) {
    const signal = AbortSignal.any([AbortSignal.timeout(options.lookupMs ?? 3000), ...(options.signal === undefined ? [] : [options.signal])])
    const found: PeerId[] = []
    const lookup = async (): Promise<void> => {
      try {
        for await (const event of dht.getClosestPeers(keyBytes, { signal })) {
          if (event.name === 'FINAL_PEER') found.push(event.peer.id)
        }
      } catch {
        // A lookup that times out or finds nobody still leaves the known relays.
      }
    }
    // The relays already known list the ones they know; the lookup alone misses
    // relays further from the key than this node (see relay-directory.ts).
    await Promise.all([lookup(), ...[...candidates.values()].slice(0, DIRECTORIES_ASKED).map(async relay => {
      found.push(...await relaysKnownTo(node, relay, signal))
    })])
    const unique = new Map(found.filter(peer => !candidates.has(peer.toString())).map(peer => [peer.toString(), peer]))
    const added = await certifiedAmong(node, [...unique.values()], options.signal)
    for (const peer of added) candidates.set(peer.toString(), peer)
    if (added.length === 0 && options.signal?.aborted !== true) fruitless.set(node, { at: Date.now(), known })
    else fruitless.delete(node)
  }
  candidates.delete(node.peerId.toString())
  return sortByDistance(keyBytes, [...candidates.values()]).slice(0, count)
}

/**
 * A network with fewer relays than k would run a lookup on every put (most
 * of a write's time with one relay): a lookup that found no relay beyond the
 * known ones is not run again for a while, unless the known relays change
 * (one left, or a new one was identified).
 */
const LOOKUP_QUIET_MS = 5_000
const fruitless = new WeakMap<Libp2p, { at: number, known: string }>()

function recentlyFruitless (node: Libp2p, known: string, quietMs: number): boolean {
  const last = fruitless.get(node)
  return last !== undefined && last.known === known && Date.now() - last.at < quietMs
}

/**
 * The relays this node may place records on: with a roster (every node made
 * with the network's root key), those the root certified; a bare node (some
 * tests) goes by who said through identify that it serves records.
 */
export async function knownRelays (node: Libp2p): Promise<PeerId[]> {
  const roster = relayRoster(node)
  if (roster !== undefined) return roster.certified()
  return await protocolBook(node).speakers(RECORD_PROTOCOL)
}

// Relays asked for the relays they know, when too few are known here.
const DIRECTORIES_ASKED = 3

/** The relays `relay` lists, their addresses noted in the peer store so they can be dialled; none when it cannot say. */
async function relaysKnownTo (node: Libp2p, relay: PeerId, signal: AbortSignal): Promise<PeerId[]> {
  if (relayRoster(node) === undefined) return []
  try {
    const entries = await askRelayDirectory(node, relay, signal)
    const peers: PeerId[] = []
    for (const { peer, addresses } of entries) {
      if (peer.equals(node.peerId)) continue
      await node.peerStore.merge(peer, { multiaddrs: [...addresses] }, { signal }).catch(() => {})
      peers.push(peer)
    }
    return peers
  } catch {
    return []
  }
}

// Long enough for a dial and identify on a slow link; a lookup is already bounded before it.
const CHECK_FOUND_MS = 3000

/** Dials the peers a lookup found that have no verdict yet, and keeps the certified relays. */
async function certifiedAmong (node: Libp2p, peers: PeerId[], signal?: AbortSignal): Promise<PeerId[]> {
  const roster = relayRoster(node)
  if (roster === undefined) {
    const book = protocolBook(node)
    const pool: PeerId[] = []
    for (const peer of peers) if (await book.speaks(peer, RECORD_PROTOCOL) !== false) pool.push(peer)
    return pool
  }
  const bounded = AbortSignal.any([AbortSignal.timeout(CHECK_FOUND_MS), ...(signal === undefined ? [] : [signal])])
  const verdicts = await Promise.all(peers.map(async peer => {
    if (roster.verdict(peer) !== undefined) return roster.isCertified(peer)
    // A lookup's peers came with addresses; identify runs on the new connection.
    await node.dial(peer, { signal: bounded }).catch(() => {})
    return await roster.untilChecked(peer, bounded) === true
  }))
  return peers.filter((_peer, i) => verdicts[i])
}

// Relays sort every key they hold against every peer on each repair pass: hash each peer id once.
const peerHashes = new Map<string, Uint8Array>()

function peerHash (peer: PeerId): Uint8Array {
  const id = peer.toString()
  let hash = peerHashes.get(id)
  if (hash === undefined) {
    if (peerHashes.size >= 4096) peerHashes.clear()
    hash = sha256(peer.toMultihash().bytes)
    peerHashes.set(id, hash)
  }
  return hash
}

export function sortByDistance (key: Uint8Array, peers: PeerId[]): PeerId[] {
  const target = sha256(key)
  const withDistance = peers.map(peer => ({ peer, distance: xor(target, peerHash(peer)) }))
  withDistance.sort((a, b) => compareBytes(a.distance, b.distance))
  return withDistance.map(entry => entry.peer)
}

export function xor (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length)
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number)
  return out
}

export function compareBytes (a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const diff = (a[i] as number) - (b[i] as number)
    if (diff !== 0) return diff
  }
  return 0
}
