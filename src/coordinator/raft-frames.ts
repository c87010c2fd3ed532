import { ByteWriter } from '../codec/writer.ts'
import type { AppendRequest, Entry } from '../raft/types.ts'

/** An AppendEntries of two or more entries as two consecutive ones; undefined for one entry. */
export function splitAppend<C> (message: AppendRequest<C>): [AppendRequest<C>, AppendRequest<C>] | undefined {
  if (message.entries.length < 2) return undefined
  const cut = Math.floor(message.entries.length / 2)
  const first = message.entries.slice(0, cut)
  const last = first[first.length - 1] as Entry<C>
  return [
    { ...message, entries: first },
    { ...message, prevLogIndex: last.index, prevLogTerm: last.term, entries: message.entries.slice(cut) }
  ]
}

/** One frame of the Raft protocol: varint length, then the encoded message. */
export function frame (body: Uint8Array): Uint8Array {
  return new ByteWriter(body.length + 8).varint(body.length).raw(body).finish()
}
