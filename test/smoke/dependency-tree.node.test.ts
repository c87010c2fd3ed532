import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

interface LockEntry { version?: string, dev?: boolean, devOptional?: boolean, dependencies?: Record<string, string>, optionalDependencies?: Record<string, string> }

/**
 * Packages only the Node CLI loads, never bundled for a browser: their
 * subtrees may repeat a package (npm cannot hoist two majors) at no cost to
 * anyone. `slurp mcp` brings in the MCP SDK's express server stack.
 */
const NODE_ONLY = new Set(['@modelcontextprotocol/sdk'])

/** Where Node would find `name` from the package at `from` (its own node_modules, then each parent's). */
function resolveIn (packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  for (let at = from; ; at = at.slice(0, Math.max(0, at.lastIndexOf('/node_modules/')))) {
    const candidate = `${at === '' ? '' : `${at}/`}node_modules/${name}`
    if (packages[candidate] !== undefined) return candidate
    if (at === '') return undefined
  }
}

/**
 * Bundlers tell modules apart by path, so a package npm could not hoist ships
 * once per copy: @chainsafe/libp2p-yamux's old uint8arraylist once put 10–28
 * copies of libp2p's wire packages into the browser peer (38 kB gzip).
 */
describe('the runtime dependency tree', () => {
  it('installs each version of a package once, outside the Node-only tools', async () => {
    const lock = JSON.parse(await readFile(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> }
    const { packages } = lock
    // Every installed copy reachable from the runtime dependencies without passing through a Node-only package.
    const reached = new Set<string>()
    const queue = Object.keys(packages['']?.dependencies ?? {}).filter(name => !NODE_ONLY.has(name)).map(name => resolveIn(packages, '', name))
    while (queue.length > 0) {
      const path = queue.pop()
      if (path === undefined || reached.has(path)) continue
      reached.add(path)
      const entry = packages[path] as LockEntry
      for (const name of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) queue.push(resolveIn(packages, path, name))
    }
    const paths = new Map<string, string[]>()
    for (const path of reached) {
      const entry = packages[path] as LockEntry
      if (entry.dev === true || entry.devOptional === true) continue
      const id = `${path.replace(/.*node_modules\//, '')}@${entry.version ?? '?'}`
      paths.set(id, [...(paths.get(id) ?? []), path])
    }
    expect(reached.size).toBeGreaterThan(100)
    const repeated = [...paths].filter(([, at]) => at.length > 1).map(([id, at]) => `${id} ×${at.length}`)
    expect(repeated).toEqual([])
  })
})
