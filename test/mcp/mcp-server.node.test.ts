import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkDir } from '../../relay/network-dir.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { projectRoot, slurp } from '../helpers/cli.ts'

// The MCP server as an agent runs it: `slurp mcp` in a child process, driven by
// the SDK's own client over stdio and over Streamable HTTP, against real relays.
const CLI = ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts']
let base: string
let dir: string
let relays: RunningRelay[] = []
let bootstrap: string[]

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-mcp-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
  for (let i = 0; i < 3; i++) {
    relays.push(await startRelayServer({ dir: new NetworkDir(dir), listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, `relay-${i}`), bootstrap: relays.map(relay => relay.multiaddrs[0] as string) }))
  }
  bootstrap = ['--bootstrap', relays.map(relay => relay.multiaddrs[0]).join(',')]
}, 60_000)

afterAll(async () => {
  await Promise.all(relays.map(async relay => await relay.stop()))
  relays = []
  await rm(base, { recursive: true, force: true })
})

interface ToolCall { isError?: boolean, structuredContent?: any, content: Array<{ type: string, text?: string }> }

async function call (client: Client, name: string, args: Record<string, unknown>): Promise<ToolCall> {
  return await client.callTool({ name, arguments: args }) as ToolCall
}

describe('slurp mcp over stdio', { timeout: 60_000 }, () => {
  let client: Client
  beforeAll(async () => {
    client = new Client({ name: 'slurp-test-agent', version: '1.0.0' })
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [...CLI, 'mcp', '--dir', dir, ...bootstrap], cwd: projectRoot, stderr: 'pipe' }))
  }, 60_000)
  afterAll(async () => { await client?.close() })

  it('lists its tools in snake_case, each with an input schema, an output schema and hints', async () => {
    const { tools } = await client.listTools()
    expect(tools.map(tool => tool.name).sort()).toEqual(['context_status', 'decisions_for', 'get_context', 'list_context', 'put_context', 'record_decision', 'resolve_context', 'search_context'])
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object')
      expect(tool.outputSchema?.type).toBe('object')
      expect(typeof tool.annotations?.readOnlyHint).toBe('boolean')
    }
    expect(tools.find(tool => tool.name === 'put_context')?.annotations?.readOnlyHint).toBe(false)
    expect(tools.find(tool => tool.name === 'get_context')?.annotations?.readOnlyHint).toBe(true)
  })

  it('writes, reads, resolves, lists and searches context like a member', async () => {
    const folder = await call(client, 'put_context', { address: 'ucxl://agents/src', role: 'backend_developer', summary: 'the source', technologies: ['typescript'], tags: ['core'] })
    expect(folder.isError).toBeUndefined()
    const written = await call(client, 'put_context', {
      address: 'ucxl://agents/src/net/node.ts', role: 'backend_developer', summary: 'creates the libp2p node', technologies: ['typescript', 'libp2p'], tags: ['network'], inherit: true
    })
    expect(written.structuredContent).toMatchObject({ address: 'ucxl://agents/src/net/node.ts', replicas: 3, target: 3 })

    const got = await call(client, 'get_context', { address: 'ucxl://agents/src/net/node.ts' })
    expect(got.structuredContent.item).toMatchObject({ summary: 'creates the libp2p node', technologies: ['libp2p'], creatorRole: 'backend_developer' })
    expect(JSON.parse(got.content[0]?.text ?? '{}')).toEqual(got.structuredContent)

    const resolved = await call(client, 'resolve_context', { address: 'ucxl://agents/src/net/node.ts' })
    expect(resolved.structuredContent.resolved.technologies).toEqual([
      { value: 'libp2p', from: 'ucxl://agents/src/net/node.ts' }, { value: 'typescript', from: 'ucxl://agents/src' }
    ])

    // A write is listed a moment later (in a batch); poll as an agent would.
    await expect.poll(async () => (await call(client, 'list_context', { project: 'agents' })).structuredContent?.entries?.map((entry: { address: string }) => entry.address), { timeout: 10_000 })
      .toEqual(['ucxl://agents/src', 'ucxl://agents/src/net/node.ts'])
    const found = await call(client, 'search_context', { query: 'libp2p nod', project: 'agents' })
    expect(found.structuredContent.results.map((result: { address: string }) => result.address)).toEqual(['ucxl://agents/src/net/node.ts'])
    expect(found.structuredContent.results[0].snippet).toBe('creates the «libp2p» «node»')
    expect(found.structuredContent.facets.type).toEqual({ context: 1 })

    const status = await call(client, 'context_status', { address: 'ucxl://agents/src/net/node.ts' })
    expect(status.structuredContent.roles).toContain('backend_developer')
    expect(status.structuredContent.address).toMatchObject({ health: 'healthy', replicas: 3 })
  })

  it('records decisions and answers which bear on an address, with the chain of links', async () => {
    const first = await call(client, 'record_decision', { address: 'ucxl://agents/decisions/1', role: 'senior_architect', summary: 'one relay per region', affects: ['ucxl://agents/src/net'], valid_at: '2026-01-01T00:00:00Z' })
    expect(first.isError).toBeUndefined()
    const second = await call(client, 'record_decision', {
      address: 'ucxl://agents/decisions/2',
      role: 'senior_architect',
      summary: 'three relays per region',
      rationale: 'one is a single point of failure',
      links: [{ type: 'supersedes', target: 'ucxl://agents/decisions/1' }],
      valid_at: '2026-06-01T00:00:00Z'
    })
    expect(second.structuredContent.superseded).toMatchObject([{ address: 'ucxl://agents/decisions/1', written: { replicas: 3 } }])
    await expect.poll(async () => (await call(client, 'decisions_for', { address: 'ucxl://agents/src/net/node.ts' })).structuredContent?.decisions?.map((hit: { address: string, hop: number, chain: Array<{ link: string }> }) => [hit.address, hit.hop, hit.chain.map(step => step.link)]), { timeout: 10_000 })
      .toEqual([['ucxl://agents/decisions/2', 1, ['superseded_by']]])
  })

  it('serves context as resources named by the percent-encoded address', async () => {
    const { resourceTemplates } = await client.listResourceTemplates()
    expect(resourceTemplates.map(template => template.uriTemplate)).toEqual(['slurp://context/{address}'])
    const read = await client.readResource({ uri: `slurp://context/${encodeURIComponent('ucxl://agents/src/net/node.ts')}` })
    expect(JSON.parse((read.contents[0] as { text: string }).text).item.summary).toBe('creates the libp2p node')
  })

  it('answers bad calls with a named tool error and a hint, and keeps serving', async () => {
    const missing = await call(client, 'get_context', { address: 'ucxl://agents/nothing/here' })
    expect(missing.isError).toBe(true)
    expect(missing.content[0]?.text).toMatch(/^NotFoundError \(ERR_NOT_FOUND\): .*\nHint: .*list_context/s)
    const bad = await call(client, 'get_context', { address: 'ucxl://agents/../etc' })
    expect(bad.content[0]?.text).toMatch(/InvalidAddressError \(ERR_INVALID_ADDRESS\)/)
    const role = await call(client, 'put_context', { address: 'ucxl://agents/x', role: 'no_such_role', summary: 'x' })
    expect(role.isError).toBe(true)
    expect(role.content[0]?.text).toMatch(/WriteNotAllowedError|UnknownRoleError/)
    expect((await call(client, 'get_context', { address: 'ucxl://agents/src' })).isError).toBeUndefined()
  })
})

describe('slurp mcp over Streamable HTTP', { timeout: 60_000 }, () => {
  let server: ChildProcess
  let url: string
  beforeAll(async () => {
    server = spawn(process.execPath, [...CLI, 'mcp', '--http', '127.0.0.1:0', '--dir', dir, ...bootstrap], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    const lines = createInterface({ input: server.stdout as NonNullable<ChildProcess['stdout']> })
    url = await new Promise<string>((resolve, reject) => {
      server.once('exit', code => { reject(new Error(`slurp mcp exited with ${String(code)}`)) })
      lines.on('line', line => { if (line.includes('"ready"')) resolve(JSON.parse(line).url) })
    })
  }, 60_000)
  afterAll(async () => {
    const exited = new Promise(resolve => server.once('exit', resolve))
    server.kill('SIGTERM')
    await exited
  })

  it('serves the same tools to an HTTP client', async () => {
    const client = new Client({ name: 'slurp-test-agent', version: '1.0.0' })
    await client.connect(new StreamableHTTPClientTransport(new URL(url)))
    try {
      expect((await client.listTools()).tools).toHaveLength(8)
      const got = await call(client, 'get_context', { address: 'ucxl://agents/src' })
      expect(got.structuredContent.item.summary).toBe('the source')
    } finally {
      await client.close()
    }
  })
})
