import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NetworkDir } from '../../relay/network-dir.ts'
import { startRelayServer } from '../../relay/relay-server.ts'
import type { RunningRelay } from '../../relay/relay-server.ts'
import { slurpInProcess } from '../helpers/in-process-cli.ts'

// A relay behind a TLS proxy or NAT: what it tells peers, invites and browser
// tabs is the address they can reach, not the one it listens on.

const PUBLIC_WSS = '/dns4/relay.example.com/tcp/443/wss'
let base: string
let relay: RunningRelay

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-announce-'))
  expect((await slurpInProcess(['init', '--dir', join(base, 'net')])).code).toBe(0)
  relay = await startRelayServer({
    dir: new NetworkDir(join(base, 'net')),
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws'],
    announce: [PUBLIC_WSS],
    http: { hostname: '127.0.0.1', port: 0 },
    data: join(base, 'relay'),
    bootstrap: []
  })
}, 60_000)

afterAll(async () => {
  await relay?.stop()
  await rm(base, { recursive: true, force: true })
})

describe('slurp relay --announce', () => {
  it('gives the announced address, not the listening ones, to peers and to /v1/bootstrap', async () => {
    expect(relay.multiaddrs).toEqual([`${PUBLIC_WSS}/p2p/${relay.peerId}`])
    const bootstrap = await (await fetch(`${relay.httpUrl as string}/v1/bootstrap`)).json() as { relays: Array<{ peerId: string, multiaddrs: string[] }> }
    expect(bootstrap.relays).toEqual([{ peerId: relay.peerId, multiaddrs: [`${PUBLIC_WSS}/p2p/${relay.peerId}`] }])
  })

  it('refuses what is not a multiaddr, naming it, before anything starts', async () => {
    const run = await slurpInProcess(['relay', '--dir', join(base, 'net'), '--data', join(base, 'never'), '--http', 'off', '--announce', 'relay.example.com:443'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('--announce takes multiaddrs')
    expect(run.stderr).toContain('relay.example.com:443')
  })
})
