import type { Libp2p, PeerId, PeerUpdate } from '@libp2p/interface'

/**
 * Which protocols each known peer speaks, as identify told the peer store.
 *
 * Every put asked the peer store about every candidate relay, and a peer-store
 * read takes a lock and decodes a protobuf per peer: at a few hundred puts a
 * second that was a tenth of the CPU. The book keeps a copy, changed by the
 * store's own `peer:update` events and read again in full every few seconds,
 * because the store also forgets peers (expiry, delete) without an event.
 */
export interface ProtocolBook {
  /** Peers known to speak `protocol`. */
  speakers (protocol: string): Promise<PeerId[]>
  /** true or false once the peer's protocols are known, undefined before. */
  speaks (peer: PeerId, protocol: string): Promise<boolean | undefined>
}

export interface ProtocolBookOptions {
  /** How old the full copy may get before the store is read again. Default 5 s. */
  rereadMs?: number
}

interface Entry { id: PeerId, protocols: readonly string[], at: number }

class PeerStoreProtocolBook implements ProtocolBook {
  private entries = new Map<string, Entry>()
  private readAt = Number.NEGATIVE_INFINITY
  private reading: Promise<void> | undefined

  private readonly rereadMs: number

  constructor (private readonly node: Libp2p, options: ProtocolBookOptions = {}) {
    this.rereadMs = options.rereadMs ?? 5000
    node.addEventListener('peer:update', (event: CustomEvent<PeerUpdate>) => {
      const { peer } = event.detail
      this.entries.set(peer.id.toString(), { id: peer.id, protocols: peer.protocols, at: performance.now() })
    })
  }

  async speakers (protocol: string): Promise<PeerId[]> {
    await this.fresh()
    const found: PeerId[] = []
    for (const entry of this.entries.values()) if (entry.protocols.includes(protocol)) found.push(entry.id)
    return found
  }

  async speaks (peer: PeerId, protocol: string): Promise<boolean | undefined> {
    await this.fresh()
    const entry = this.entries.get(peer.toString())
    return entry === undefined || entry.protocols.length === 0 ? undefined : entry.protocols.includes(protocol)
  }

  private async fresh (): Promise<void> {
    if (performance.now() - this.readAt < this.rereadMs) return
    this.reading ??= this.readAll().finally(() => { this.reading = undefined })
    await this.reading
  }

  private async readAll (): Promise<void> {
    const started = performance.now()
    const entries = new Map<string, Entry>()
    for (const peer of await this.node.peerStore.all()) entries.set(peer.id.toString(), { id: peer.id, protocols: peer.protocols, at: started })
    // Updates that arrived during the read are newer than what it returned.
    for (const [id, entry] of this.entries) if (entry.at > started) entries.set(id, entry)
    this.entries = entries
    this.readAt = started
  }
}

export function createProtocolBook (node: Libp2p, options: ProtocolBookOptions = {}): ProtocolBook {
  return new PeerStoreProtocolBook(node, options)
}

const books = new WeakMap<Libp2p, ProtocolBook>()

/** The node's book, made on first use and kept for the node's lifetime. */
export function protocolBook (node: Libp2p): ProtocolBook {
  let book = books.get(node)
  if (book === undefined) {
    book = createProtocolBook(node)
    books.set(node, book)
  }
  return book
}
