import { lpStream } from '@libp2p/utils'
import type { Connection } from '@libp2p/interface'
import { concatBytes } from '../../src/encoding/bytes.ts'

/**
 * One Kademlia RPC on a fresh stream, as a kad-dht client sends it (a
 * length-prefixed protobuf Message, one answer), without kad-dht's client
 * machinery: its routing-table refreshes and query planning cost the client
 * processes more CPU than the relay, and a busy client measures its own
 * delays, not the relay's. The relay sees exactly what a DHT client sends.
 *
 * Message (kad-dht's dht.proto): type = 1 (varint), key = 2, record = 3;
 * Record: key = 1, value = 2, timeReceived = 5.
 */
export type KadRequest =
  | { readonly type: 'FIND_NODE' | 'GET_VALUE', readonly key: Uint8Array }
  | { readonly type: 'PUT_VALUE', readonly key: Uint8Array, readonly value: Uint8Array }

const TYPES = { PUT_VALUE: 0, GET_VALUE: 1, FIND_NODE: 4 } as const

export async function kadRpc (connection: Connection, protocol: string, request: KadRequest, signal: AbortSignal): Promise<Uint8Array> {
  const stream = await connection.newStream(protocol, { signal })
  try {
    const framed = lpStream(stream)
    await framed.write(encodeMessage(request), { signal })
    const answer = await framed.read({ signal })
    await stream.close({ signal })
    return answer.subarray()
  } catch (error) {
    stream.abort(error as Error)
    throw error
  }
}

export function encodeMessage (request: KadRequest): Uint8Array {
  const fields = [varintField(1, TYPES[request.type]), bytesField(2, request.key)]
  if (request.type === 'PUT_VALUE') {
    const record = concatBytes(bytesField(1, request.key), bytesField(2, request.value), bytesField(5, new TextEncoder().encode(new Date().toISOString())))
    fields.push(bytesField(3, record))
  }
  return concatBytes(...fields)
}

function varintField (field: number, value: number): Uint8Array {
  return concatBytes(varint(field << 3), varint(value))
}

function bytesField (field: number, bytes: Uint8Array): Uint8Array {
  return concatBytes(varint((field << 3) | 2), varint(bytes.length), bytes)
}

function varint (value: number): Uint8Array {
  const out: number[] = []
  let rest = value
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80)
    rest = Math.floor(rest / 128)
  }
  out.push(rest)
  return Uint8Array.from(out)
}
