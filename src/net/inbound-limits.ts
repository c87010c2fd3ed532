import type { Libp2p, PeerId } from '@libp2p/interface'
import { DEFAULT_MAX_RECORD_BYTES } from '../trust/policy.ts'
import type { Policy } from '../trust/policy.ts'
import { PartialBytesBudget } from './partial-budget.ts'
import { relayRoster } from './relay-roster.ts'

/** The largest request or answer a channel carries. */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024
/** A frame's id and kind, and a record request's version, op, key and length fields, around the record itself. */
export const FRAME_OVERHEAD_BYTES = 1024
/** What all inbound streams of a node may hold of unfinished frames together, by default. */
export const DEFAULT_PARTIAL_BYTES = 64 * 1024 * 1024
/** A frame begun must be finished within this, by default. */
export const DEFAULT_FRAME_DEADLINE_MS = 30_000

/** How a node bounds what peers send it on request channels (see serveRequests). */
export interface InboundLimitsInit {
  /**
   * Bytes of unfinished frames, and of requests received and not yet
   * answered, all inbound streams of the node may hold together. Default 64 MiB.
   */
  readonly partialBytes?: number
  /** Of which peers that are not trusted may hold at most this together. Default half of partialBytes. */
  readonly partialBytesUntrusted?: number
  /** And each of them at most this. Default an eighth of partialBytes. */
  readonly partialBytesPerPeer?: number
  /** A stream that begins a frame and does not finish it within this is reset. Default 30 s. */
  readonly frameDeadlineMs?: number
  /**
   * The largest frame a peer that is not trusted may send, read as each frame
   * begins (the policy may change). Default: the default record limit plus
   * FRAME_OVERHEAD_BYTES; a relay passes its policy's (see frameLimitOf).
   */
  readonly maxFrameBytes?: () => number
  /**
   * Peers that may send frames up to MAX_MESSAGE_BYTES (sync batches, large
   * sibling sets) and use the whole budget. Default: the relays the node's
   * roster certifies (none on a node made without the network's root key).
   */
  readonly trusted?: (peer: PeerId) => boolean
}

export interface InboundLimits {
  readonly budget: PartialBytesBudget
  readonly frameDeadlineMs: number
  /** Whether `peer` may send large frames and use the whole budget; asked as its bytes arrive. */
  trusted (peer: PeerId): boolean
  /** The ceiling for one frame from a peer that is not trusted, read as each frame begins. */
  untrustedFrameBytes (): number
}

/** The ceiling for frames from peers that are not trusted: one record of the policy's size, and its request around it. */
export function frameLimitOf (policy: Policy): number {
  return Math.min(policy.limits.maxRecordBytes, MAX_MESSAGE_BYTES) + FRAME_OVERHEAD_BYTES
}

const limitsByNode = new WeakMap<Libp2p, InboundLimits>()

/**
 * Sets the limits every request channel served by `node` obeys, whichever
 * protocol: call before the node serves anything (later calls replace the
 * limits for streams opened afterwards).
 */
export function limitInbound (node: Libp2p, init: InboundLimitsInit = {}): InboundLimits {
  const partialBytes = init.partialBytes ?? DEFAULT_PARTIAL_BYTES
  const untrusted = init.maxFrameBytes ?? (() => DEFAULT_MAX_RECORD_BYTES + FRAME_OVERHEAD_BYTES)
  const trusted = init.trusted ?? (peer => relayRoster(node)?.isCertified(peer) === true)
  const limits: InboundLimits = {
    budget: new PartialBytesBudget(
      partialBytes,
      init.partialBytesUntrusted ?? Math.floor(partialBytes / 2),
      init.partialBytesPerPeer ?? Math.floor(partialBytes / 8)
    ),
    frameDeadlineMs: init.frameDeadlineMs ?? DEFAULT_FRAME_DEADLINE_MS,
    trusted,
    untrustedFrameBytes: untrusted
  }
  limitsByNode.set(node, limits)
  return limits
}

/** The node's limits; the defaults when nobody set any. */
export function inboundLimitsOf (node: Libp2p): InboundLimits {
  return limitsByNode.get(node) ?? limitInbound(node)
}
