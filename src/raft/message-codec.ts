import { fromBase64url, toBase64url } from '../encoding/base64url.ts'
import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { InvalidRaftMessageError } from '../errors.ts'
import type { Entry, RaftMessage } from './types.ts'

/**
 * Raft messages as bytes for a stream (JSON; snapshot bytes as base64url).
 * Decoding checks every field, since the bytes come off the network; entry
 * commands pass through as JSON and the state machine checks them.
 */
export function encodeMessage<C> (message: RaftMessage<C>): Uint8Array {
  const form = message.type === 'snapshot'
    ? { ...message, snapshot: { lastIndex: message.snapshot.lastIndex, lastTerm: message.snapshot.lastTerm, data: toBase64url(message.snapshot.data) } }
    : message
  return utf8Encode(JSON.stringify(form))
}

export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024

function bad (message: string): never {
  throw new InvalidRaftMessageError(message)
}

function index (value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) bad(`${what} must be a non-negative integer`)
  return value
}

function id (value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) bad(`${what} must be a node id`)
  return value
}

function bool (value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') bad(`${what} must be a boolean`)
  return value
}

function stamp (value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) bad('stamp must be a finite number')
  return value
}

export function decodeMessage<C = unknown> (bytes: Uint8Array): RaftMessage<C> {
  if (bytes.length > MAX_MESSAGE_BYTES) bad('raft message too large')
  let raw: Record<string, unknown>
  try {
    raw = JSON.parse(utf8Decode(bytes)) as Record<string, unknown>
  } catch (error) {
    bad(`raft message is not JSON: ${(error as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) bad('raft message must be an object')
  const head = { from: id(raw.from, 'from'), to: id(raw.to, 'to'), term: index(raw.term, 'term') }
  switch (raw.type) {
    case 'vote':
      return { type: 'vote', ...head, pre: bool(raw.pre, 'pre'), lastLogIndex: index(raw.lastLogIndex, 'lastLogIndex'), lastLogTerm: index(raw.lastLogTerm, 'lastLogTerm') }
    case 'vote-reply':
      return { type: 'vote-reply', ...head, pre: bool(raw.pre, 'pre'), granted: bool(raw.granted, 'granted') }
    case 'append': {
      const prevLogIndex = index(raw.prevLogIndex, 'prevLogIndex')
      if (!Array.isArray(raw.entries)) bad('entries must be a list')
      const entries = raw.entries.map((value: unknown, i: number): Entry<C> => {
        if (typeof value !== 'object' || value === null) bad('entry must be an object')
        const entry = value as Record<string, unknown>
        if (index(entry.index, 'entry index') !== prevLogIndex + 1 + i) bad('entries must follow prevLogIndex without a gap')
        const term = index(entry.term, 'entry term')
        if (term > head.term) bad('an entry cannot be from a later term than its message')
        return entry.command === undefined ? { index: entry.index as number, term } : { index: entry.index as number, term, command: entry.command as C }
      })
      return { type: 'append', ...head, prevLogIndex, prevLogTerm: index(raw.prevLogTerm, 'prevLogTerm'), entries, leaderCommit: index(raw.leaderCommit, 'leaderCommit'), stamp: stamp(raw.stamp) }
    }
    case 'snapshot': {
      const snapshot = raw.snapshot as Record<string, unknown> | null
      if (typeof snapshot !== 'object' || snapshot === null || typeof snapshot.data !== 'string') bad('snapshot must be an object with base64url data')
      let data: Uint8Array
      try {
        data = fromBase64url(snapshot.data)
      } catch {
        bad('snapshot data is not base64url')
      }
      return { type: 'snapshot', ...head, snapshot: { lastIndex: index(snapshot.lastIndex, 'lastIndex'), lastTerm: index(snapshot.lastTerm, 'lastTerm'), data }, stamp: stamp(raw.stamp) }
    }
    case 'append-reply': {
      const reply = { type: 'append-reply' as const, ...head, success: bool(raw.success, 'success'), matchIndex: index(raw.matchIndex, 'matchIndex'), stamp: stamp(raw.stamp) }
      return {
        ...reply,
        ...(raw.conflictIndex === undefined ? {} : { conflictIndex: index(raw.conflictIndex, 'conflictIndex') }),
        ...(raw.conflictTerm === undefined ? {} : { conflictTerm: index(raw.conflictTerm, 'conflictTerm') })
      }
    }
    default:
      return bad(`unknown raft message type ${JSON.stringify(raw.type)}`)
  }
}
