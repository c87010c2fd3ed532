import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { serveHttp } from '#serve'
import { DIR_OPTION, dirFrom } from '../command.ts'
import type { Command } from '../command.ts'
import { createMcpServer, mcpHttpHandler } from '../mcp/server.ts'
import { NetworkDir } from '../network-dir.ts'
import { MESH_OPTIONS, bootstrapFrom, hostPort } from '../options.ts'
import { openPeer } from '../peer-from-dir.ts'

export const mcp: Command = {
  name: 'mcp',
  summary: 'serve slurp to AI agents over the Model Context Protocol (stdio, or Streamable HTTP with --http)',
  usage: 'slurp mcp [--http HOST:PORT] [--dir .slurp] [--bootstrap MA]...',
  details: [
    'Acts as the member whose keys are in --dir, with the role keys it holds. Without --http it',
    'speaks MCP on stdin/stdout (what an agent starts as a local server) and stops when stdin',
    'closes; with --http it serves Streamable HTTP at http://HOST:PORT/mcp (stateless, JSON',
    'responses) until SIGINT or SIGTERM. Tools: get_context, resolve_context, list_context,',
    'search_context, put_context, record_decision, decisions_for, context_status. Logs go to stderr only.'
  ].join('\n'),
  options: { ...DIR_OPTION, ...MESH_OPTIONS, http: { type: 'string' } },
  async run (args, io) {
    const httpValue = args.values.http as string | undefined
    const listen = httpValue === undefined ? undefined : hostPort(httpValue, '--http')
    const dir = new NetworkDir(dirFrom(args, io))
    const roles = (await dir.keyring()).roles()
    const peer = await openPeer(dir, bootstrapFrom(args, io))
    const init = { agent: peer, roles }
    try {
      if (listen === undefined) {
        const server = createMcpServer(init)
        const closed = new Promise<void>(resolve => {
          process.stdin.once('end', resolve)
          process.stdin.once('close', resolve)
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
        await server.connect(new StdioServerTransport())
        io.stderr(`slurp mcp: serving ${roles.join(', ')} on stdio\n`)
        await closed
        await server.close()
      } else {
        const handle = mcpHttpHandler(init)
        const server = await serveHttp({
          fetch: async request => new URL(request.url).pathname === '/mcp'
            ? await handle(request)
            : new Response('slurp MCP server: POST JSON-RPC to /mcp\n', { status: 404 })
        }, listen)
        io.stderr(`slurp mcp: serving ${roles.join(', ')} at ${server.url}/mcp\n`)
        io.stdout(`${JSON.stringify({ event: 'ready', url: `${server.url}/mcp` })}\n`)
        await new Promise<void>(resolve => {
          process.once('SIGINT', resolve)
          process.once('SIGTERM', resolve)
        })
        await server.close()
      }
    } finally {
      await peer.stop()
    }
  }
}
