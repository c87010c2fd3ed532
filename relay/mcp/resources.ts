import { ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { ContextAgent } from './tools.ts'

/**
 * ucxl:// addresses are not WHATWG URLs (`ucxl://agent:role@project:task/p`
 * parses `project:task` as host and port), so a resource names its address
 * percent-encoded whole, as one path segment: slurp://context/<encodeURIComponent(address)>.
 */
export const CONTEXT_RESOURCE = 'slurp://context/{address}'

export function contextResourceUri (address: string): string {
  return `slurp://context/${encodeURIComponent(address)}`
}

/** The context at an address as an MCP resource: the item, as JSON. */
export function registerResources (server: McpServer, agent: Pick<ContextAgent, 'get'>): void {
  server.registerResource('context', new ResourceTemplate(CONTEXT_RESOURCE, { list: undefined }), {
    title: 'Context at a ucxl:// address',
    description: 'The current context item at a ucxl:// address, as JSON. The address goes in percent-encoded as a whole (encodeURIComponent), e.g. slurp://context/ucxl%3A%2F%2Fproject123%2Fsrc%2Fmain.go',
    mimeType: 'application/json'
  }, async (uri, variables) => {
    const raw = variables.address
    const address = decodeURIComponent(Array.isArray(raw) ? raw.join('/') : String(raw))
    const { item, meta } = await agent.get(address)
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ item, meta }, null, 2) }] }
  })
}
