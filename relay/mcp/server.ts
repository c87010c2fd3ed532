import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { registerResources } from './resources.ts'
import { registerTools } from './tools.ts'
import type { ToolsInit } from './tools.ts'

const INSTRUCTIONS = [
  'slurp stores context (what a file does, why a decision was made, what a task needs) at ucxl:// addresses,',
  'encrypted to the roles allowed to read it. Start with list_context for a project, read with get_context,',
  'or resolve_context to include what the folders above say; search_context finds items by words;',
  'put_context writes as one of the roles context_status lists; record_decision and decisions_for keep',
  'and query the decisions that bear on an address.'
].join(' ')

/** An MCP server with slurp's tools, acting as the member whose peer it is given. */
export function createMcpServer (init: ToolsInit): McpServer {
  const server = new McpServer({ name: 'slurp', version: '0.1.0' }, { instructions: INSTRUCTIONS })
  registerTools(server, init)
  registerResources(server, init.agent)
  return server
}

/**
 * Streamable HTTP, stateless: every POST gets its own server and transport
 * (the SDK's advice for stateless servers, so request ids of different
 * clients never meet); the member's peer is shared.
 */
export function mcpHttpHandler (init: ToolsInit): (request: Request) => Promise<Response> {
  return async request => {
    const server = createMcpServer(init)
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    await server.connect(transport)
    try {
      return await transport.handleRequest(request)
    } finally {
      await server.close()
    }
  }
}
