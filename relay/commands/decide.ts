import { UsageError } from '../../src/errors.ts'
import { DECISION_STATUSES } from '../../src/decisions/decision-fields.ts'
import type { DecisionDraft, DecisionLink, DecisionStatus } from '../../src/decisions/decision-fields.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command, ParsedArgs } from '../command.ts'
import { readText } from '../key-files.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'
import { draftFrom } from './put.ts'

const many = { type: 'string', multiple: true } as const

export const decide: Command = {
  name: 'decide',
  summary: 'record a decision: what it affects, its status, and the decisions it supersedes, amends or relates to',
  usage: 'slurp decide ADDRESS --as ROLE [--status S] [--affects ADDR]... [--supersedes|--amends|--relates DECISION]... [--rationale TEXT] [--alternative TEXT]... [--decided-by WHO] [--valid-at ISO] [FILE|-]',
  details: [
    'ADDRESS is the decision\'s own address (e.g. ucxl://p/decisions/0007-use-raft). The content',
    '(FILE, or stdin) is the decision record: plain text (first line the summary) or a JSON draft,',
    'whose "decision" object the flags add to. --status is proposed, accepted (default), rejected,',
    'deprecated or superseded; a decision on a folder affects everything under it. Each decision',
    'it --supersedes is written again marked superseded, no longer in force from --valid-at',
    '(default now). Prints {"written","superseded"}. "slurp decisions ADDRESS" queries them.'
  ].join('\n'),
  options: {
    ...DIR_OPTION,
    ...MESH_OPTIONS,
    as: { type: 'string' },
    status: { type: 'string' },
    affects: many,
    supersedes: many,
    amends: many,
    relates: many,
    rationale: { type: 'string' },
    alternative: many,
    'decided-by': { type: 'string' },
    'valid-at': { type: 'string' }
  },
  allowPositionals: true,
  async run (args, io) {
    const [address, file, ...extra] = args.positionals
    if (address === undefined) throw new UsageError('decide needs the decision\'s ADDRESS')
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`)
    const role = args.values.as as string | undefined
    if (role === undefined) throw new UsageError('decide needs --as ROLE (a role that may write decisions)')
    const text = file === undefined || file === '-' ? new TextDecoder().decode(await io.readStdin()) : await readText(file, 'decision file')
    const draft = draftFrom(text)
    const decision = decisionFrom(args, draft.decision)
    const result = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io),
      async peer => await peer.recordDecision(address, { ...draft, decision }, { as: role }))
    printJson(io, { written: result.written, superseded: result.superseded.map(entry => ({ address: entry.address, ...(entry.written === undefined ? {} : { written: entry.written }), ...(entry.error === undefined ? {} : { error: `${entry.error.name}: ${entry.error.message}` }) })) })
  }
}

function decisionFrom (args: ParsedArgs, given: DecisionDraft | undefined): DecisionDraft {
  const list = (name: string): string[] => (args.values[name] as string[] | undefined) ?? []
  const status = (args.values.status as string | undefined) ?? given?.status ?? 'accepted'
  if (!(DECISION_STATUSES as readonly string[]).includes(status)) throw new UsageError(`--status takes ${DECISION_STATUSES.join(', ')}`)
  const links: DecisionLink[] = [
    ...(given?.links ?? []),
    ...(['supersedes', 'amends', 'relates'] as const).flatMap(type => list(type).map(target => ({ type, target })))
  ]
  const validAt = (args.values['valid-at'] as string | undefined) ?? given?.validAt
  if (validAt !== undefined && Number.isNaN(Date.parse(validAt))) throw new UsageError('--valid-at takes an ISO 8601 time, e.g. 2026-12-03T10:00:00Z')
  const rationale = (args.values.rationale as string | undefined) ?? given?.rationale
  const decidedBy = (args.values['decided-by'] as string | undefined) ?? given?.decidedBy
  return {
    ...given,
    status: status as DecisionStatus,
    affects: [...(given?.affects ?? []), ...list('affects')],
    links,
    alternatives: [...(given?.alternatives ?? []), ...list('alternative')],
    ...(rationale === undefined ? {} : { rationale }),
    ...(decidedBy === undefined ? {} : { decidedBy }),
    ...(validAt === undefined ? {} : { validAt })
  }
}
