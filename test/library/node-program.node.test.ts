import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkDir, createPeerFromDir, dhtKey, getRecordsViaGateway, startRelayServer } from '../../src/index.node.ts'
import type { RunningRelay, StoredDetail } from '../../src/index.node.ts'
import { slurp } from '../helpers/cli.ts'

// What the README's library section shows: a Node agent runs a relay and joins
// the mesh from a `slurp init` directory with the package entry alone.
let base: string
let dir: string
let running: RunningRelay

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-library-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
  running = await startRelayServer({ dir: new NetworkDir(dir), listen: ['/ip4/127.0.0.1/tcp/0'], http: { hostname: '127.0.0.1', port: 0 }, data: join(base, 'relay'), bootstrap: [] })
}, 60_000)

afterAll(async () => {
  await running?.stop()
  await rm(base, { recursive: true, force: true })
})

describe('the package entry, as a Node program uses it', { timeout: 60_000 }, () => {
  it('runs a relay, joins as the directory\'s member, and hears when the relay stores a record', async () => {
    const peer = await createPeerFromDir(dir, { bootstrap: running.multiaddrs, replicationFactor: 1, minReplicas: 1 })
    try {
      const address = 'ucxl://library/agent/notes.md'
      const key = await dhtKey(address)
      const heard: StoredDetail[] = []
      running.relay.addEventListener('stored', event => { heard.push((event as CustomEvent<StoredDetail>).detail) })
      const held = running.relay.holds(key)
      await peer.put(address, { summary: 'written by a Node agent', tags: ['library'] }, { as: 'backend_developer' })
      await held
      expect(heard).toContainEqual({ key, outcome: 'stored', origin: 'member' })
      expect((await peer.get(address)).item.summary).toBe('written by a Node agent')
      expect((await peer.search({ text: 'node agent' })).map(result => result.item.address)).toEqual([address])
      expect((await peer.find({ text: 'node agent' })).hits[0]?.snippet?.parts.filter(part => part.match).map(part => part.text)).toEqual(['Node', 'agent'])
      await peer.flushDirectory()
      expect((await peer.list('library')).entries.map(entry => entry.address)).toEqual([address])
      // Programs that cannot run libp2p read the same signed, encrypted record over HTTP.
      expect(await getRecordsViaGateway(running.httpUrl as string, key)).toHaveLength(1)
      await expect(running.relay.holds('/slurp/ucxl/never-written', { signal: AbortSignal.timeout(50) })).rejects.toThrow(/stopped waiting/)
    } finally {
      await peer.stop()
    }
  })
})
