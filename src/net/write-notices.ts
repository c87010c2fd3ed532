import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { normaliseAddress } from '../address/index.ts'
import { MAX_ADDRESS_LENGTH } from '../address/types.ts'
import { ByteReader, CodecError } from '../codec/reader.ts'
import { ByteWriter } from '../codec/writer.ts'
import type { SlurpLibp2p } from './node.ts'
import { protocolBook } from './protocol-book.ts'

/**
 * Write notices between peers that are directly connected (two browser tabs
 * on different machines, over WebRTC): "I just wrote this address". A notice
 * carries no content and is never trusted as such: the receiver re-reads the
 * address from the relays, which verify everything. One message per stream:
 *   u8 version, string address
 */
export const NOTICE_PROTOCOL = '/slurp/notice/1.0.0'

const VERSION = 1
const READ_TIMEOUT_MS = 5_000
const SEND_TIMEOUT_MS = 5_000
// A burst, then a steady rate per sending peer: a peer that floods notices
// costs the receiver no more than this many re-reads.
const BURST = 20
const PER_SECOND = 5

export function encodeNotice (address: string): Uint8Array {
  return new ByteWriter().u8(VERSION).string(address).finish()
}

/** The canonical address a notice names; throws CodecError or InvalidAddressError. */
export function decodeNotice (bytes: Uint8Array): string {
  const reader = new ByteReader(bytes)
  if (reader.u8('version') !== VERSION) throw new CodecError('unsupported notice version')
  const address = reader.string('address', MAX_ADDRESS_LENGTH * 4)
  reader.end('notice')
  return normaliseAddress(address)
}

/** Takes notices from directly connected peers; bad or excess ones are dropped. */
export async function serveNotices (node: SlurpLibp2p, onNotice: (address: string, from: PeerId) => void): Promise<void> {
  const limiter = new RateLimiter(BURST, PER_SECOND)
  await node.handle(NOTICE_PROTOCOL, async (stream: Stream, connection: Connection) => {
    try {
      const message = await lpStream(stream, { maxDataLength: MAX_ADDRESS_LENGTH * 4 + 16 }).read({ signal: AbortSignal.timeout(READ_TIMEOUT_MS) })
      await stream.close().catch(() => {})
      const address = decodeNotice(message.subarray())
      if (limiter.take(connection.remotePeer.toString())) onNotice(address, connection.remotePeer)
    } catch (error) {
      stream.abort(error as Error)
    }
  }, { maxInboundStreams: 32, runOnLimitedConnection: false })
}

/**
 * Tells every directly connected peer that speaks the notice protocol (not the
 * relays, not relayed connections) about a write. Best effort: returns how
 * many peers took the notice.
 */
export async function sendNotices (node: SlurpLibp2p, address: string, options: { signal?: AbortSignal } = {}): Promise<number> {
  const message = encodeNotice(address)
  const targets = new Map<string, Connection>()
  for (const connection of node.getConnections()) {
    if (connection.limits !== undefined || connection.status !== 'open') continue
    const id = connection.remotePeer.toString()
    if (!targets.has(id) && await speaksNotices(node, connection.remotePeer)) targets.set(id, connection)
  }
  const signal = AbortSignal.any([AbortSignal.timeout(SEND_TIMEOUT_MS), ...(options.signal === undefined ? [] : [options.signal])])
  const sent = await Promise.all([...targets.values()].map(async connection => {
    let stream: Stream | undefined
    try {
      stream = await connection.newStream(NOTICE_PROTOCOL, { signal })
      await lpStream(stream).write(message, { signal })
      await stream.close({ signal })
      return true
    } catch (error) {
      stream?.abort(error as Error)
      return false
    }
  }))
  return sent.filter(Boolean).length
}

async function speaksNotices (node: SlurpLibp2p, peer: PeerId): Promise<boolean> {
  return await protocolBook(node).speaks(peer, NOTICE_PROTOCOL) === true
}

/** Token buckets per key. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number, at: number }>()

  constructor (private readonly burst: number, private readonly perSecond: number, private readonly now: () => number = Date.now) {}

  take (key: string): boolean {
    const now = this.now()
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) / 1000 * this.perSecond)
    bucket.at = now
    const allowed = bucket.tokens >= 1
    if (allowed) bucket.tokens -= 1
    this.buckets.set(key, bucket)
    // Idle buckets are full again: forget them, so the map stays as small as the set of busy peers.
    if (this.buckets.size > 1024) for (const [id, b] of this.buckets) if (b.tokens >= this.burst - 1) this.buckets.delete(id)
    return allowed
  }
}
