import type { Libp2p, PeerId } from '@libp2p/interface'
import { knownRelays } from '../../src/net/closest.ts'
import { askRelayDirectory } from '../../src/net/relay-directory.ts'
import { relayRoster } from '../../src/net/relay-roster.ts'

const MAX_RELAYS = 256
const CHECK_MS = 5000

/**
 * Every certified relay of the mesh this node can find: those it knows, and
 * those each of them lists (their relay directory), each dialled and
 * counted once identify brought a valid relay certificate. A backup
 * "through the mesh" reads from all of them.
 */
export async function meshRelays (node: Libp2p, signal?: AbortSignal): Promise<PeerId[]> {
  const roster = relayRoster(node)
  const found = new Map((await knownRelays(node)).map(peer => [peer.toString(), peer]))
  const asked = new Set<string>()
  for (;;) {
    const next = [...found.values()].filter(peer => !asked.has(peer.toString()))
    if (next.length === 0 || found.size >= MAX_RELAYS) break
    await Promise.all(next.map(async relay => {
      asked.add(relay.toString())
      const bounded = AbortSignal.any([AbortSignal.timeout(CHECK_MS), ...(signal === undefined ? [] : [signal])])
      const entries = await askRelayDirectory(node, relay, bounded).catch(() => [])
      for (const { peer, addresses } of entries) {
        if (peer.equals(node.peerId) || found.has(peer.toString())) continue
        await node.peerStore.merge(peer, { multiaddrs: [...addresses] }).catch(() => {})
        await node.dial(peer, { signal: bounded }).catch(() => {})
        if (roster === undefined || await roster.untilChecked(peer, bounded) === true) found.set(peer.toString(), peer)
      }
    }))
  }
  return [...found.values()]
}
