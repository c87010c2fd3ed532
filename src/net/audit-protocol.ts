import type { Libp2p, PeerId } from '@libp2p/interface'
import { checkpointFromJson, checkpointToJson, cosignatureFromJson, cosignatureToJson, hashesFromJson } from '../audit/checkpoint.ts'
import type { Cosignature, SignedCheckpoint } from '../audit/checkpoint.ts'
import { toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { NetworkError, SlurpError } from '../errors.ts'
import { sendRequest, serveRequests } from './request-response.ts'
import type { SendOptions } from './request-response.ts'

/**
 * How relays witness each other's audit logs. A witness asks a relay for its
 * latest signed checkpoint and a consistency proof from the size it already
 * holds; once the proof checks out it sends back its cosignature, which the
 * relay then shows beside that checkpoint. JSON messages:
 *   { op: "checkpoint", from? }            → { checkpoint, proof: [hash…] }
 *   { op: "cosign", checkpoint, cosignature } → { ok: true } | { ok: false, reason }
 * The proof runs between `from` and the checkpoint's size, smaller to larger.
 */
export const AUDIT_PROTOCOL = '/slurp/audit/1.0.0'

/** What a relay answers its witnesses with (src/audit/relay-audit.ts). */
export interface AuditAnswerer {
  /** The latest checkpoint and the consistency proof between `from` and it; NotFoundError before the first. */
  checkpointFrom (from: number | undefined, signal: AbortSignal): Promise<{ checkpoint: SignedCheckpoint, proof: Uint8Array[] }>
  /** A witness's cosignature of one of this relay's checkpoints: kept if it verifies; the reason otherwise. */
  cosigned (checkpoint: SignedCheckpoint, cosignature: Cosignature, from: PeerId): Promise<string | undefined>
}

type Request =
  | { op: 'checkpoint', from?: number }
  | { op: 'cosign', checkpoint: unknown, cosignature: unknown }

export async function serveAudit (node: Libp2p, answerer: AuditAnswerer): Promise<void> {
  await serveRequests(node, AUDIT_PROTOCOL, async (bytes, signal, from) => {
    const request = parse(bytes, from.toString()) as Request
    if (request.op === 'checkpoint') {
      const from = request.from
      if (from !== undefined && (!Number.isSafeInteger(from) || from < 0)) throw new NetworkError('from must be a non-negative integer')
      const { checkpoint, proof } = await answerer.checkpointFrom(from, signal)
      return encode({ checkpoint: checkpointToJson(checkpoint), proof: proof.map(toBase64url) })
    }
    if (request.op === 'cosign') {
      let reason: string | undefined
      try {
        reason = await answerer.cosigned(checkpointFromJson(request.checkpoint), cosignatureFromJson(request.cosignature), from)
      } catch (error) {
        if (!(error instanceof SlurpError)) throw error
        reason = error.message
      }
      return encode(reason === undefined ? { ok: true } : { ok: false, reason })
    }
    throw new NetworkError(`unknown audit request from ${from.toString()}`)
  })
}

/** A relay's latest checkpoint, with the consistency proof from `from` (the size the asker holds). Shape-checked, not verified. */
export async function requestCheckpoint (node: Libp2p, relay: PeerId, from: number | undefined, options: SendOptions = {}): Promise<{ checkpoint: SignedCheckpoint, proof: Uint8Array[] }> {
  const answer = parse(await sendRequest(node, relay, AUDIT_PROTOCOL, encode(from === undefined ? { op: 'checkpoint' } : { op: 'checkpoint', from }), options), relay.toString())
  return { checkpoint: checkpointFromJson(answer.checkpoint), proof: hashesFromJson(answer.proof, 'consistency proof') }
}

/** Hands `relay` this witness's cosignature of its checkpoint; throws NetworkError when the relay refuses it. */
export async function sendCosignature (node: Libp2p, relay: PeerId, checkpoint: SignedCheckpoint, cosignature: Cosignature, options: SendOptions = {}): Promise<void> {
  const answer = parse(await sendRequest(node, relay, AUDIT_PROTOCOL, encode({ op: 'cosign', checkpoint: checkpointToJson(checkpoint), cosignature: cosignatureToJson(cosignature) }), options), relay.toString())
  if (answer.ok !== true) throw new NetworkError(`${relay.toString()} refused the cosignature: ${typeof answer.reason === 'string' ? answer.reason : 'no reason'}`)
}

function encode (value: unknown): Uint8Array {
  return utf8Encode(JSON.stringify(value))
}

function parse (bytes: Uint8Array, from: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(utf8Decode(bytes))
  } catch {
    throw new NetworkError(`malformed audit message from ${from}`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new NetworkError(`malformed audit message from ${from}`)
  return value as Record<string, unknown>
}
