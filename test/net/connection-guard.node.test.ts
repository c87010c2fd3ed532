import { generateKeyPair } from '@libp2p/crypto/keys'
import { identify } from '@libp2p/identify'
import { noise } from '@libp2p/noise'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { yamux } from '@libp2p/yamux'
import { createLibp2p } from 'libp2p'
import type { Libp2p } from '@libp2p/interface'
import type { Connection, Stream } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectionGuard, ConnectionGuardInit } from '../../src/net/connection-guard.ts'
import { createSlurpNode } from '../../src/net/node.ts'
import type { SlurpLibp2p } from '../../src/net/node.ts'
import { relayRoster } from '../../src/net/relay-roster.ts'
import { issueRelayCertificate } from '../../src/trust/relay-certificate.ts'
import { generateSigningKey } from '../../src/trust/signing-key.ts'
import { eventually } from '../helpers/mesh.ts'

// Real relays and peers on loopback; the guard's clock is injected and its
// timers are pushed out of the way, so sweeps and pings run when the test says.
const { key: root } = await generateSigningKey()
const nodes: Libp2p[] = []
const NEVER = 2 ** 31 - 1

afterEach(async () => {
  await Promise.all(nodes.splice(0).map(async node => { await node.stop() }))
})

async function relay (connections: ConnectionGuardInit = {}): Promise<SlurpLibp2p> {
  const privateKey = await generateKeyPair('Ed25519')
  const relayCertificate = await issueRelayCertificate(root, { relay: peerIdFromPrivateKey(privateKey).toMultihash().bytes, notAfter: Date.now() + 600_000 })
  const node = await createSlurpNode({
    kind: 'relay',
    privateKey,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    rootPublicKey: root.publicKey,
    relayCertificate,
    connections: { sweepMs: NEVER, pinger: false, ...connections }
  })
  await node.start()
  nodes.push(node)
  return node
}

async function peer (): Promise<SlurpLibp2p> {
  const node = await createSlurpNode({ kind: 'peer', listen: [], rootPublicKey: root.publicKey })
  await node.start()
  nodes.push(node)
  return node
}

/**
 * A peer that only connects (identify and ping, no DHT, no pings of its
 * own): the streams the relay sees from it are the ones the test opens.
 */
async function barePeer (): Promise<Libp2p> {
  const node = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
    services: { identify: identify(), ping: ping() }
  })
  nodes.push(node)
  return node
}

const addressOf = (node: SlurpLibp2p): Multiaddr => node.getMultiaddrs()[0] as Multiaddr
const guardOf = (node: SlurpLibp2p): ConnectionGuard => node.services.connectionGuard as ConnectionGuard
const connected = (a: Libp2p, b: Libp2p): boolean => a.getConnections(b.peerId).some(c => c.status === 'open')
async function tryDial (from: Libp2p, to: SlurpLibp2p): Promise<boolean> {
  try {
    await from.dial(addressOf(to), { signal: AbortSignal.timeout(5000) })
    return true
  } catch {
    return false
  }
}

describe('a relay\'s connection guard', () => {
  it('refuses strangers past max-connections less the reserved slots, while certified relays still get in', async () => {
    const guarded = await relay({ maxConnections: 4, reservedForRelays: 2 })
    const roster = relayRoster(guarded)
    const [first, second, third] = [await peer(), await peer(), await peer()]
    expect(await tryDial(first, guarded)).toBe(true)
    expect(await tryDial(second, guarded)).toBe(true)
    await eventually(() => { expect(roster?.verdict(second.peerId)).toBe(false) })
    // A peer the relay knows is no relay: refused outright (after the Noise handshake
    // told who it is; the dialer may see the connection open before it drops).
    await first.dial(addressOf(guarded), { force: true, signal: AbortSignal.timeout(5000) }).catch(() => {})
    await eventually(() => { expect(first.getConnections(guarded.peerId).filter(c => c.status === 'open')).toHaveLength(1) })
    expect(guardOf(guarded).limits.refused['reserved-for-relays']).toBe(1)
    // One it does not know yet gets in on probation, and is closed once identify shows it is no relay.
    await tryDial(third, guarded)
    await eventually(() => {
      expect(guardOf(guarded).closed.probation).toBe(1)
      expect(connected(guarded, third)).toBe(false)
    })
    // A certified relay gets in the same way, and stays.
    const member = await relay()
    expect(await tryDial(member, guarded)).toBe(true)
    await eventually(() => {
      expect(roster?.isCertified(member.peerId)).toBe(true)
      expect(guardOf(guarded).limits.provisional().size).toBe(0)
    })
    expect(await guardOf(guarded).sweep()).toBe(0)
    expect(connected(guarded, member)).toBe(true)
    expect(guarded.getConnections()).toHaveLength(3)
    // The last slot; past max-connections nobody gets in, relay or not.
    expect(await tryDial(await relay(), guarded)).toBe(true)
    await eventually(() => { expect(guarded.getConnections()).toHaveLength(4) })
    expect(await tryDial(await relay(), guarded)).toBe(false)
    expect(guardOf(guarded).limits.refused['max-connections']).toBe(1)
  })

  it('does not limit loopback per host by default (a one-machine mesh dials from 127.0.0.1), and does when told', async () => {
    // Tighter than js-libp2p's own default of 5 new connections per second per host.
    const lenient = await relay({ maxConnectionsPerIp: 2, inboundRatePerIp: 1, inboundBurstPerIp: 1 })
    const crowd = await Promise.all(Array.from({ length: 8 }, async () => await peer()))
    const dialled = await Promise.all(crowd.map(async node => await tryDial(node, lenient)))
    expect(dialled).toEqual(crowd.map(() => true))
    await eventually(() => { expect(lenient.getConnections()).toHaveLength(8) })

    const strict = await relay({ maxConnectionsPerIp: 2, inboundBurstPerIp: 100, limitLocalAddresses: true })
    expect(await tryDial(crowd[0] as SlurpLibp2p, strict)).toBe(true)
    expect(await tryDial(crowd[1] as SlurpLibp2p, strict)).toBe(true)
    expect(await tryDial(crowd[2] as SlurpLibp2p, strict)).toBe(false)
    expect(guardOf(strict).limits.refused['per-ip']).toBe(1)
    await crowd[0]?.hangUp(strict.peerId)
    await eventually(() => { expect(guardOf(strict).limits.heldBy('127.0.0.1').held).toBe(1) })
    expect(await tryDial(crowd[2] as SlurpLibp2p, strict)).toBe(true)
  })

  it('closes inbound connections that used nothing but identify and ping for idleMs, and keeps relays', async () => {
    const clock = { ms: 0 }
    const guarded = await relay({ idleMs: 1000, now: () => clock.ms })
    await guarded.handle('/test/work/1.0.0', async (stream: Stream) => { await stream.close() })
    const [idle, busy] = [await barePeer(), await barePeer()]
    const member = await relay()
    for (const node of [idle, busy, member]) expect(await tryDial(node, guarded)).toBe(true)
    await eventually(() => { expect(relayRoster(guarded)?.isCertified(member.peerId)).toBe(true) })
    clock.ms = 900
    const stream = await busy.dialProtocol(guarded.peerId, '/test/work/1.0.0')
    await stream.close()
    const busyConnection = guarded.getConnections(busy.peerId)[0] as Connection
    // Closed at both ends: the relay counted it as use when it closed (at 900).
    await eventually(() => { expect(busyConnection.streams.filter(s => s.protocol === '/test/work/1.0.0')).toHaveLength(0) })
    expect(guardOf(guarded).activity.idleFor(busyConnection)).toBe(0)
    clock.ms = 1500
    expect(await guardOf(guarded).sweep()).toBe(1)
    expect(connected(guarded, idle)).toBe(false)
    expect(connected(guarded, busy)).toBe(true)
    clock.ms = 2000
    expect(await guardOf(guarded).sweep()).toBe(1)
    expect(connected(guarded, busy)).toBe(false)
    expect(connected(guarded, member)).toBe(true)
    expect(guardOf(guarded).closed.idle).toBe(2)
  })

  it('pings connections at their own phase of the interval, a few at a time, and not those heard from lately', async () => {
    const clock = { ms: 0 }
    const phases = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    const guarded = await relay({ now: () => clock.ms, pinger: { intervalMs: 1000, concurrency: 2, tickMs: NEVER, random: () => phases.shift() ?? 0.9 } })
    const pinger = guardOf(guarded).pinger
    const crowd = await Promise.all(Array.from({ length: 4 }, async () => await barePeer()))
    for (const node of crowd) expect(await tryDial(node, guarded)).toBe(true)
    await eventually(() => { expect(guarded.getConnections()).toHaveLength(4) })
    expect(pinger?.tick()).toEqual([])
    const due = guarded.getConnections().map(connection => pinger?.dueAt(connection))
    expect(due.sort()).toEqual([100, 200, 300, 400])
    // Each remote ran identify when it connected (at 0): heard from within the interval.
    clock.ms = 450
    expect(pinger?.tick()).toEqual([])
    expect(pinger?.counts.skipped).toBe(4)
    clock.ms = 1450
    const pings = pinger?.tick() ?? []
    expect(pings).toHaveLength(2)
    await Promise.all(pings)
    expect(pinger?.counts).toMatchObject({ sent: 2, failed: 0 })
    await Promise.all(pinger?.tick() ?? [])
    expect(pinger?.counts.sent).toBe(4)
    for (const connection of guarded.getConnections()) {
      expect(connection.status).toBe('open')
      expect(connection.rtt).toBeGreaterThanOrEqual(0)
    }
  })
})
