import { UsageError } from '../../src/errors.ts'
import { CONTENT_TYPES } from '../../src/roles/authority.ts'
import { DIR_OPTION, dirFrom, printJson } from '../command.ts'
import type { Command } from '../command.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom, positiveInt } from '../options.ts'
import { withPeer } from '../peer-from-dir.ts'

export const search: Command = {
  name: 'search',
  summary: 'full-text search over a project\'s context that your roles can read, ranked, with snippets and facets',
  usage: 'slurp search [QUERY] --project P [--type T] [--role R] [--tag T]... [--status S] [--limit N] [--json] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Relays cannot read context, so search runs here: it reads the project\'s items your roles can',
    'read (listed in its directory), indexes them and ranks by BM25 (summary, tags and path weigh',
    'most; prefixes and small typos match). Without QUERY, the newest items that pass the filters.',
    'Prints one hit per line, "ADDRESS<TAB>SCORE<TAB>SNIPPET" with matches in «»; then facet counts on',
    'stderr. --json prints {"total","hits","facets"}. The CLI keeps no cache between commands, so each',
    'search reads the project again; the web app and `slurp mcp` keep theirs.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, project: { type: 'string', short: 'p' }, type: { type: 'string', short: 't' }, role: { type: 'string', short: 'r' }, tag: { type: 'string', multiple: true }, status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run (args, io) {
    const text = args.positionals.join(' ').trim()
    const project = args.values.project as string | undefined
    if (project === undefined) throw new UsageError('search needs --project P: the CLI searches one project\'s context, read afresh')
    const type = args.values.type as string | undefined
    if (type !== undefined && !(CONTENT_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type takes ${CONTENT_TYPES.join(', ')}`)
    const limit = positiveInt(args.values.limit, '--limit', 20)
    const role = args.values.role as string | undefined
    const status = args.values.status as string | undefined
    const tags = args.values.tag as string[] | undefined
    const found = await withPeer(new NetworkDir(dirFrom(args, io)), bootstrapFrom(args, io), async peer => {
      await peer.followProject(project)
      return await peer.find({
        ...(text === '' ? {} : { text }),
        project: project.replace(/^ucxl:\/\//, '').replace(/\/.*$/, ''),
        ...(type === undefined ? {} : { type }),
        ...(role === undefined ? {} : { role }),
        ...(status === undefined ? {} : { status }),
        ...(tags === undefined ? {} : { tags }),
        limit
      })
    })
    if (args.values.json === true) {
      printJson(io, { total: found.total, hits: found.hits.map(hit => ({ address: hit.result.item.address, score: hit.score, summary: hit.result.item.summary, snippet: hit.snippet })), facets: found.facets })
      return
    }
    for (const hit of found.hits) {
      const snippet = hit.snippet?.parts.map(part => part.match ? `«${part.text}»` : part.text).join('') ?? hit.result.item.summary
      io.stdout(`${hit.result.item.address}\t${hit.score.toFixed(2)}\t${snippet.replace(/\s+/g, ' ')}\n`)
    }
    const facets = Object.entries(found.facets).map(([name, counts]) => `${name}: ${Object.entries(counts).map(([key, n]) => `${key} ${n}`).join(', ') || '-'}`)
    io.stderr(`slurp search: ${found.total} match${found.total === 1 ? '' : 'es'}${found.total > found.hits.length ? ` (first ${found.hits.length})` : ''}; ${facets.join('; ')}\n`)
  }
}
