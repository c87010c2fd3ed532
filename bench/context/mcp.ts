import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { NetworkDir, createPeerFromDir, startRelayServer } from '../../src/index.node.ts'
import type { RunningRelay } from '../../src/index.node.ts'
import { median, percentile } from '../stats.ts'

export interface McpRoundTrip {
  readonly libraryMs: readonly number[]
  readonly mcpMs: readonly number[]
}

/**
 * get_context through `slurp mcp` on stdio (a child process, as an agent runs
 * it) against peer.get in this process, on the same relays and address,
 * interleaved: the difference is what the protocol costs.
 */
export async function mcpRoundTrip (root: string, rounds: number): Promise<McpRoundTrip> {
  const base = await mkdtemp(join(tmpdir(), 'slurp-bench-mcp-'))
  const dir = join(base, 'net')
  const cli = ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts']
  execFileSync(process.execPath, [...cli, 'init', '--dir', dir], { cwd: root, stdio: 'ignore' })
  const relays: RunningRelay[] = []
  for (let i = 0; i < 3; i++) {
    relays.push(await startRelayServer({ dir: new NetworkDir(dir), listen: ['/ip4/127.0.0.1/tcp/0'], data: join(base, `relay-${i}`), bootstrap: relays.map(relay => relay.multiaddrs[0] as string) }))
  }
  const bootstrap = relays.map(relay => relay.multiaddrs[0] as string)
  const peer = await createPeerFromDir(dir, { bootstrap })
  const client = new Client({ name: 'slurp-bench', version: '1.0.0' })
  try {
    const address = 'ucxl://bench/mcp/round-trip.md'
    await peer.put(address, { summary: 'measured both ways', body: 'x'.repeat(1024) }, { as: 'backend_developer' })
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [...cli, 'mcp', '--dir', dir, '--bootstrap', bootstrap.join(',')], cwd: root, stderr: 'ignore' }))
    const libraryMs: number[] = []
    const mcpMs: number[] = []
    for (let i = 0; i < rounds + 10; i++) {
      let at = performance.now()
      await peer.get(address)
      const library = performance.now() - at
      at = performance.now()
      const result = await client.callTool({ name: 'get_context', arguments: { address } })
      const mcp = performance.now() - at
      if (result.isError === true) throw new Error(`get_context failed: ${JSON.stringify(result.content)}`)
      // The first rounds warm connections and JIT on both sides.
      if (i >= 10) { libraryMs.push(library); mcpMs.push(mcp) }
    }
    return { libraryMs, mcpMs }
  } finally {
    await client.close().catch(() => {})
    await peer.stop()
    for (const relay of relays) await relay.stop()
    await rm(base, { recursive: true, force: true })
  }
}

export function describeRoundTrip ({ libraryMs, mcpMs }: McpRoundTrip): { lines: string[], overheadMs: number } {
  const overheadMs = median(mcpMs) - median(libraryMs)
  return {
    overheadMs,
    lines: [
      '| get, same address and relays | p50 | p99 | runs |',
      '|---|---:|---:|---:|',
      `| peer.get (library, in process) | ${median(libraryMs).toFixed(2)} ms | ${percentile(libraryMs, 99).toFixed(2)} ms | ${libraryMs.length} |`,
      `| get_context through slurp mcp on stdio | ${median(mcpMs).toFixed(2)} ms | ${percentile(mcpMs, 99).toFixed(2)} ms | ${mcpMs.length} |`,
      '',
      `MCP overhead (difference of medians): ${overheadMs.toFixed(2)} ms`
    ]
  }
}
