import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { SlurpError } from '../../src/errors.ts'

/** What an agent can do about each error, by code. */
const HINTS: Readonly<Record<string, string>> = {
  ERR_NOT_FOUND: 'Nothing is stored there for your roles. list_context shows the addresses of a project; resolve_context also reads the folders above.',
  ERR_ACCESS_DENIED: 'None of the roles this server holds can read it. Ask the network admin for a role that may.',
  ERR_INVALID_ADDRESS: 'Addresses look like ucxl://project/path or ucxl://agent:role@project:task/path; no "..", no empty segments, no query or fragment.',
  ERR_WRITE_NOT_ALLOWED: 'That role may not write this type here (or this member does not hold it). context_status lists the roles held.',
  ERR_UNKNOWN_ROLE: 'The network\'s policy has no such role. context_status lists the roles held.',
  ERR_NETWORK: 'No relay answered. Check that the relays are running and reachable (slurp status).',
  ERR_REPLICATION: 'Too few relays stored the write. It may have reached some; retry when more relays are up.',
  ERR_MEMBER_REVOKED: 'This member was revoked; writes are refused.',
  ERR_QUOTA_EXCEEDED: 'Too many writes for now; retry later.',
  ERR_USAGE: 'Check the arguments against the tool\'s input schema.',
  ERR_INVALID_RECORD: 'The content does not make a valid context item (field types or sizes).',
  ERR_REPLACE_NOT_ALLOWED: 'A higher authority\'s item is stored there, or one more roles read; write a suggestion instead (type "suggestion")'
}

/**
 * An error as a tool result the agent can read and act on, never a crash of
 * the server: the error's name and code, its message, and a hint.
 */
export function toolError (error: unknown): CallToolResult {
  const named = error instanceof SlurpError
  const name = named ? `${error.name} (${error.code})` : (error as Error)?.name ?? 'Error'
  const message = (error as Error)?.message ?? String(error)
  const hint = named ? HINTS[error.code] : undefined
  return { isError: true, content: [{ type: 'text', text: `${name}: ${message}${hint === undefined ? '' : `\nHint: ${hint}`}` }] }
}

/** A successful result: structured, and the same JSON as text for clients that only show text. */
export function toolResult (value: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value }
}
