import { UsageError } from '../../src/errors.ts'
import { isContentType } from '../../src/roles/authority.ts'
import type { ContextDraft } from '../../src/record/context-item.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { readText } from '../key-files.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const put: Command = {
  name: 'put',
  summary: 'write context at an address, encrypted to the readers of --as ROLE, on the closest relays',
  usage: 'slurp put ADDRESS --as ROLE [--type context|decision|suggestion|task] [--inherit] [FILE|-] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'The content (FILE, or stdin with - or no FILE) is either a JSON context draft',
    '{"summary": …, "purpose"?, "tags"?, "technologies"?, "insights"?, "parent"?, "body"?}',
    'or plain text: its first line becomes the summary and the whole text the body.',
    'Prints {"address","key","version","replicas","target"}. --replicas K sets the',
    'replication factor (default 3), --min-replicas M how many must acknowledge.',
    '--inherit stores only what the address\'s ancestors do not already give (see',
    '"slurp resolve"): their tags, technologies and insights, metadata and an equal purpose.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, as: { type: 'string' }, type: { type: 'string', short: 't' }, replicas: { type: 'string' }, 'min-replicas': { type: 'string' }, inherit: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const [address, file, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('put needs an ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const role = args.values.as as string | undefined
    if (role === undefined) throw new UsageError('put needs --as ROLE')
    const type = args.values.type ?? 'context'
    if (!isContentType(type)) throw new UsageError('--type takes context, decision, suggestion or task')
    const text = file === undefined || file === '-' ? new TextDecoder().decode(await io.readStdin()) : await readText(file, 'content file')
    const draft = draftFrom(text)
    const replicationFactor = positiveInt(args.values.replicas, '--replicas', 3)
    const minReplicas = args.values['min-replicas'] === undefined ? undefined : positiveInt(args.values['min-replicas'], '--min-replicas', 1)
    const result = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.put(address, draft, { as: role, type, inherit: args.values.inherit === true }),
      { replicationFactor, ...(minReplicas === undefined ? {} : { minReplicas }) })
    printJson(io, result)
  }
}

export function draftFrom (text: string): ContextDraft {
  const trimmed = text.trim()
  if (trimmed === '') throw new UsageError('the content is empty')
  if (trimmed.startsWith('{')) {
    let value: unknown
    try {
      value = JSON.parse(trimmed)
    } catch (cause) {
      throw new UsageError(`the content starts with "{" but is not valid JSON: ${(cause as Error).message}`)
    }
    if (typeof value !== 'object' || value === null || typeof (value as { summary?: unknown }).summary !== 'string') {
      throw new UsageError('a JSON context draft needs a "summary" string')
    }
    return value as ContextDraft
  }
  const firstLine = trimmed.split('\n', 1)[0] as string
  return { summary: firstLine.slice(0, 200), body: text }
}
