import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { checkpointFromJson, checkpointToJson, verifyCheckpoint, witnessedToJson } from '../../src/audit/checkpoint.ts'
import type { SignedCheckpoint } from '../../src/audit/checkpoint.ts'
import { AuditClient, proveEntry, verifyRelayLog } from '../../src/audit/client.ts'
import type { ReadEntry } from '../../src/audit/client.ts'
import { MAX_ENTRIES_PER_READ } from '../../src/audit/log.ts'
import { toBase64url } from '../../src/encoding/base64url.ts'
import { AuditVerificationError, NotFoundError, UsageError } from '../../src/errors.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, CommandIO, ParsedArgs } from '../command.ts'
import { readText, writeFileAtomic } from '../key-files.ts'

const USAGE = [
  'slurp audit tail --relay URL [--from N] [--limit N]',
  '       slurp audit verify --relay URL [--dir .slurp]',
  '       slurp audit prove --relay URL --index I'
].join('\n')

/** Entries `tail` shows without --from. */
const TAIL_DEFAULT = 20

export const audit: Command = {
  name: 'audit',
  summary: 'read and check a relay\'s tamper-evident audit log (entries, signed checkpoints, proofs)',
  usage: USAGE,
  details: [
    'A relay logs what it does (records stored, replaced, kept as siblings, rejected with their',
    'code, repaired, cleaned up; policy changes and revocations) in an RFC 6962 Merkle log, signs',
    'a checkpoint (size, root) with its peer key every few seconds, and other relays countersign',
    'it once they verified it extends what they saw before. --relay is the relay\'s HTTP URL.',
    'tail: prints entries as JSON lines (index, time, kind, key, ...), the last 20 or from --from N.',
    'verify: fetches every entry up to the latest checkpoint, recomputes the root, checks the',
    '  relay\'s signature and its witnesses\' cosignatures; with a checkpoint saved by an earlier',
    '  verify (DIR/audit/<peer id>.json) checks the log only grew since, then saves the new one.',
    '  Exit 1 when anything does not verify: a rewritten history is a SplitViewError.',
    'prove: fetches entry I and its inclusion proof in the latest checkpoint, and checks it.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    relay: { type: 'string', short: 'r' },
    from: { type: 'string' },
    limit: { type: 'string' },
    index: { type: 'string', short: 'i' }
  },
  allowPositionals: true,
  async run (args, io) {
    const [action, ...rest] = args.positionals
    if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`)
    if (action === 'tail') return await tail(args, io)
    if (action === 'verify') return await verify(args, io)
    if (action === 'prove') return await prove(args, io)
    throw new UsageError(action === undefined ? 'say what to do: tail, verify or prove' : `unknown audit action "${action}": tail, verify or prove`)
  }
}

function clientFrom (args: ParsedArgs, io: CommandIO): AuditClient {
  const relay = (args.values.relay as string | undefined) ?? io.env.SLURP_RELAY
  if (relay === undefined) throw new UsageError('say which relay: --relay URL (its HTTP address, e.g. http://127.0.0.1:4080)')
  return new AuditClient(relay, { signal: AbortSignal.timeout(120_000) })
}

function count (value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) throw new UsageError(`${flag} takes a whole number ≥ 0`)
  return Number(value)
}

function line (entry: ReadEntry): string {
  return `${JSON.stringify({ index: entry.index, ...entry.entry, time: new Date(entry.entry.time).toISOString() })}\n`
}

async function tail (args: ParsedArgs, io: CommandIO): Promise<void> {
  const client = clientFrom(args, io)
  const limit = count(args.values.limit, '--limit')
  let from = count(args.values.from, '--from')
  if (from === undefined) {
    const { size } = await client.entries(0, 0)
    from = Math.max(0, size - (limit ?? TAIL_DEFAULT))
  }
  let left = limit ?? Number.MAX_SAFE_INTEGER
  while (left > 0) {
    const { entries } = await client.entries(from, Math.min(MAX_ENTRIES_PER_READ, left))
    for (const entry of entries) io.stdout(line(entry))
    if (entries.length === 0) return
    from += entries.length
    left -= entries.length
  }
}

async function verify (args: ParsedArgs, io: CommandIO): Promise<void> {
  const client = clientFrom(args, io)
  const { latest } = await client.checkpoints()
  const path = join(dirFrom(args, io), 'audit', `${latest.checkpoint.log}.json`)
  const previous = await readSaved(path)
  const verified = await verifyRelayLog(client, previous)
  await mkdir(join(dirFrom(args, io), 'audit'), { recursive: true })
  await writeFileAtomic(path, `${JSON.stringify(witnessedToJson(verified.checkpoint), null, 2)}\n`)
  const { checkpoint, cosignatures } = verified.checkpoint
  printJson(io, {
    relay: checkpoint.log,
    verified: true,
    size: checkpoint.size,
    root: toBase64url(checkpoint.root),
    signedAt: new Date(checkpoint.time).toISOString(),
    witnesses: cosignatures.map(cosignature => cosignature.witness),
    witnessed: verified.witnessed === undefined
      ? null
      : { size: verified.witnessed.checkpoint.size, witnesses: verified.witnessed.cosignatures.map(cosignature => cosignature.witness) },
    previous: previous === undefined ? null : { size: previous.size, signedAt: new Date(previous.time).toISOString() },
    saved: path
  })
}

async function readSaved (path: string): Promise<SignedCheckpoint | undefined> {
  let text: string
  try {
    text = await readText(path, 'saved checkpoint')
  } catch (error) {
    if (error instanceof NotFoundError) return undefined
    throw error
  }
  let checkpoint: SignedCheckpoint
  try {
    checkpoint = checkpointFromJson((JSON.parse(text) as { checkpoint?: unknown }).checkpoint)
  } catch (cause) {
    throw new AuditVerificationError(`${path} does not hold a saved checkpoint; move it away to start afresh`, { cause })
  }
  await verifyCheckpoint(checkpoint)
  return checkpoint
}

async function prove (args: ParsedArgs, io: CommandIO): Promise<void> {
  const index = count(args.values.index, '--index')
  if (index === undefined) throw new UsageError('say which entry: --index I')
  const { checkpoint, entry, proof } = await proveEntry(clientFrom(args, io), index)
  printJson(io, {
    included: true,
    index,
    entry: { ...entry.entry, time: new Date(entry.entry.time).toISOString() },
    data: toBase64url(entry.data),
    checkpoint: checkpointToJson(checkpoint.checkpoint),
    witnesses: checkpoint.cosignatures.map(cosignature => cosignature.witness),
    proof: proof.map(toBase64url)
  })
}
