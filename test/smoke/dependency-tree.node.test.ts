import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'

interface LockEntry { version?: string, dev?: boolean, devOptional?: boolean }

/**
 * Bundlers tell modules apart by path, so a package npm could not hoist ships
 * once per copy: @chainsafe/libp2p-yamux's old uint8arraylist once put 10–28
 * copies of libp2p's wire packages into the browser peer (38 kB gzip).
 */
describe('the runtime dependency tree', () => {
  it('installs each version of a package once', async () => {
    const lock = JSON.parse(await readFile(new URL('../../package-lock.json', import.meta.url), 'utf8')) as { packages: Record<string, LockEntry> }
    const paths = new Map<string, string[]>()
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev === true || entry.devOptional === true) continue
      const id = `${path.replace(/.*node_modules\//, '')}@${entry.version ?? '?'}`
      paths.set(id, [...(paths.get(id) ?? []), path])
    }
    const repeated = [...paths].filter(([, at]) => at.length > 1).map(([id, at]) => `${id} ×${at.length}`)
    expect(repeated).toEqual([])
  })
})
