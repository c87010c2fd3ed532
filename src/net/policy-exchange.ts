import type { Libp2p, PeerId } from '@libp2p/interface'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { NetworkError } from '../errors.ts'
import type { PolicyBook } from '../trust/policy-book.ts'
import type { SignedPolicy } from '../trust/policy.ts'
import { sendRequest, serveRequests } from './request-response.ts'

/**
 * How a newer policy (a rotation, a revocation, a new role) reaches every
 * running relay and peer without a restart: on every identified connection
 * both sides compare versions, and the older side is handed the newer signed
 * document; a node that takes a newer one hands it to everyone it is
 * connected to. Receivers verify it under the root (PolicyBook), so a peer can
 * only spread what the root signed. One JSON message each way:
 *   request  { version, policy? }   response { version, policy? }
 * A side includes `policy` only when the other's version is lower.
 */
export const POLICY_PROTOCOL = '/slurp/policy/1.0.0'

interface PolicyMessage {
  readonly version: number
  readonly policy?: SignedPolicy
}

function encode (message: PolicyMessage): Uint8Array {
  return utf8Encode(JSON.stringify(message))
}

function decode (bytes: Uint8Array, from: string): PolicyMessage {
  let value: unknown
  try {
    value = JSON.parse(utf8Decode(bytes))
  } catch {
    throw new NetworkError(`malformed policy message from ${from}`)
  }
  if (typeof value !== 'object' || value === null || !Number.isSafeInteger((value as PolicyMessage).version)) {
    throw new NetworkError(`malformed policy message from ${from}`)
  }
  return value as PolicyMessage
}

function answerFor (book: PolicyBook, theirVersion: number): PolicyMessage {
  const signed = book.signed
  return signed !== undefined && book.version > theirVersion ? { version: book.version, policy: signed } : { version: book.version }
}

export async function servePolicy (node: Libp2p, book: PolicyBook): Promise<void> {
  await serveRequests(node, POLICY_PROTOCOL, async (request, _signal, from) => {
    const message = decode(request, from.toString())
    if (message.policy !== undefined) await book.consider(message.policy)
    return encode(answerFor(book, message.version))
  })
}

/**
 * Compares policies with `peer`, taking its newer one or handing over ours.
 * Returns the peer's version after the exchange.
 */
export async function exchangePolicy (node: Libp2p, peer: PeerId, book: PolicyBook, options: { signal?: AbortSignal } = {}): Promise<number> {
  const send = async (message: PolicyMessage): Promise<PolicyMessage> =>
    decode(await sendRequest(node, peer, POLICY_PROTOCOL, encode(message), options), peer.toString())
  let answer = await send({ version: book.version })
  if (answer.policy !== undefined) await book.consider(answer.policy)
  if (answer.version < book.version && book.signed !== undefined) {
    answer = await send({ version: book.version, policy: book.signed })
  }
  return answer.version
}

/**
 * Keeps `book` in step with the mesh: exchanges with every peer identify shows
 * speaks the protocol, and pushes a newly taken policy to every connected one.
 * Best effort: a peer that cannot be reached now is met again at its next
 * identify. Returns a function that stops it.
 */
export function spreadPolicy (node: Libp2p, book: PolicyBook): () => void {
  const exchange = (peer: PeerId): void => {
    exchangePolicy(node, peer, book, { signal: AbortSignal.timeout(10_000) }).catch(() => {})
  }
  const onIdentify = (event: CustomEvent<{ peerId: PeerId, protocols: string[] }>): void => {
    if (event.detail.protocols.includes(POLICY_PROTOCOL)) exchange(event.detail.peerId)
  }
  const onChange = (): void => {
    const peers = new Map(node.getConnections().map(connection => [connection.remotePeer.toString(), connection.remotePeer]))
    for (const peer of peers.values()) {
      node.peerStore.get(peer).then(known => { if (known.protocols.includes(POLICY_PROTOCOL)) exchange(peer) }, () => {})
    }
  }
  node.addEventListener('peer:identify', onIdentify)
  book.addEventListener('change', onChange)
  return () => {
    node.removeEventListener('peer:identify', onIdentify)
    book.removeEventListener('change', onChange)
  }
}
