import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import { NetworkError } from '../errors.ts'
import { relayRoster } from './relay-roster.ts'
import { sendRequest, serveRequests } from './request-response.ts'

/**
 * Which relays a relay knows: the certified relays it is connected to, with
 * their addresses. A peer that joined through one relay asks it, instead of
 * relying on a DHT lookup alone: kad-dht answers FIND_NODE only with peers
 * closer to the key than the asker, so a client whose random peer id sits
 * close to a key learnt of fewer than k relays and wrote to one (issue 10
 * finding 11). What it learns here is only a hint: a relay counts once its
 * own identify brought a valid certificate.
 */
export const RELAY_DIRECTORY_PROTOCOL = '/slurp/relays/1.0.0'

const MAX_ENTRIES = 256
const MAX_ADDRESSES = 8

export interface DirectoryEntry {
  readonly peer: PeerId
  readonly addresses: readonly Multiaddr[]
}

export async function serveRelayDirectory (node: Libp2p): Promise<void> {
  await serveRequests(node, RELAY_DIRECTORY_PROTOCOL, async () => {
    const roster = relayRoster(node)
    const writer = new ByteWriter(1024)
    const entries: Array<[string, Uint8Array[]]> = []
    for (const peer of roster?.certified() ?? []) {
      if (node.getConnections(peer).length === 0) continue
      const known = await node.peerStore.get(peer).catch(() => undefined)
      const addresses = (known?.addresses ?? []).slice(0, MAX_ADDRESSES).map(address => address.multiaddr.bytes)
      if (addresses.length > 0) entries.push([peer.toString(), addresses])
      if (entries.length >= MAX_ENTRIES) break
    }
    writer.varint(entries.length)
    for (const [id, addresses] of entries) {
      writer.string(id).varint(addresses.length)
      for (const address of addresses) writer.bytes(address)
    }
    return writer.finish()
  })
}

export async function askRelayDirectory (node: Libp2p, relay: PeerId, signal: AbortSignal): Promise<DirectoryEntry[]> {
  const answer = await sendRequest(node, relay, RELAY_DIRECTORY_PROTOCOL, new Uint8Array(0), { signal })
  try {
    const reader = new ByteReader(answer)
    const entries: DirectoryEntry[] = []
    const count = reader.varint('relay count', MAX_ENTRIES)
    for (let i = 0; i < count; i++) {
      const peer = peerIdFromString(reader.string('peer id', 128))
      const addresses: Multiaddr[] = []
      const many = reader.varint('address count', MAX_ADDRESSES)
      for (let j = 0; j < many; j++) addresses.push(multiaddr(reader.bytesField('address', 512)))
      entries.push({ peer, addresses })
    }
    reader.end('relay directory')
    return entries
  } catch (error) {
    if (error instanceof CodecError || error instanceof Error) throw new NetworkError(`malformed relay directory from ${relay.toString()}: ${error.message}`, { cause: error })
    throw error
  }
}
