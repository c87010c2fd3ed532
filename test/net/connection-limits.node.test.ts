import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { ConnectionLimits } from '../../src/net/connection-limits.ts'
import type { ConnectionLimitsInit } from '../../src/net/connection-limits.ts'

// The admission decisions alone, on an injected clock: sockets are stand-ins
// that only carry an address and fire 'close' (what the limits read of them).

class Socket extends EventTarget {
  readonly remoteAddr: Multiaddr
  constructor (ip: string) {
    super()
    this.remoteAddr = multiaddr(`/ip${ip.includes(':') ? 6 : 4}/${ip}/tcp/40000`)
  }

  close (): void { this.dispatchEvent(new Event('close')) }
}

const newPeer = async (): Promise<PeerId> => peerIdFromPrivateKey(await generateKeyPair('Ed25519'))

function limitsWith (init: ConnectionLimitsInit): { limits: ConnectionLimits, clock: { ms: number } } {
  const clock = { ms: 0 }
  return { limits: new ConnectionLimits({ ...init, now: () => clock.ms }), clock }
}

/** Admits a socket all the way (handshake done); returns it, or undefined when refused. */
async function admit (limits: ConnectionLimits, ip: string): Promise<Socket | undefined> {
  const socket = new Socket(ip)
  if (limits.refuseSocket(socket)) return undefined
  if (limits.refusePeer(await newPeer(), socket)) return undefined
  return socket
}

describe('connection limits', () => {
  it('let one host open a burst of connections, then as many a second as its rate', async () => {
    const { limits, clock } = limitsWith({ inboundRatePerIp: 2, inboundBurstPerIp: 5 })
    for (let i = 0; i < 5; i++) expect(await admit(limits, '203.0.113.7')).toBeDefined()
    expect(await admit(limits, '203.0.113.7')).toBeUndefined()
    expect(limits.refused['rate-per-ip']).toBe(1)
    // Another host has its own bucket.
    expect(await admit(limits, '198.51.100.1')).toBeDefined()
    clock.ms += 1000
    expect(await admit(limits, '203.0.113.7')).toBeDefined()
    expect(await admit(limits, '203.0.113.7')).toBeDefined()
    expect(await admit(limits, '203.0.113.7')).toBeUndefined()
  })

  it('cap what one host and one subnet hold, and count a closed connection out', async () => {
    const { limits } = limitsWith({ maxConnectionsPerIp: 3, maxConnectionsPerSubnet: 5, inboundBurstPerIp: 1000 })
    const held = []
    for (let i = 0; i < 3; i++) held.push(await admit(limits, '203.0.113.7'))
    expect(await admit(limits, '203.0.113.7')).toBeUndefined()
    expect(limits.refused['per-ip']).toBe(1)
    expect(limits.heldBy('203.0.113.7')).toEqual({ held: 3, pending: 0 })
    // Two more from the same /24 fit the subnet, the next does not.
    expect(await admit(limits, '203.0.113.8')).toBeDefined()
    expect(await admit(limits, '203.0.113.9')).toBeDefined()
    expect(await admit(limits, '203.0.113.10')).toBeUndefined()
    expect(limits.refused['per-subnet']).toBe(1)
    held[0]?.close()
    expect(limits.heldBy('203.0.113.7')).toEqual({ held: 2, pending: 0 })
    expect(await admit(limits, '203.0.113.7')).toBeDefined()
    // An IPv6 host is its /64: another address in it is the same host.
    const v6 = limitsWith({ maxConnectionsPerIp: 1 }).limits
    expect(await admit(v6, '2001:db8:1:2::1')).toBeDefined()
    expect(await admit(v6, '2001:db8:1:2::ffff')).toBeUndefined()
    expect(await admit(v6, '2001:db8:1:3::1')).toBeDefined()
  })

  it('bound the handshakes one host keeps in progress', () => {
    const { limits } = limitsWith({ maxPendingPerIp: 2, inboundBurstPerIp: 1000 })
    const pending = [new Socket('203.0.113.7'), new Socket('203.0.113.7')]
    for (const socket of pending) expect(limits.refuseSocket(socket)).toBe(false)
    expect(limits.refuseSocket(new Socket('203.0.113.7'))).toBe(true)
    expect(limits.refused['pending-per-ip']).toBe(1)
    pending[0]?.close()
    expect(limits.refuseSocket(new Socket('203.0.113.7'))).toBe(false)
  })

  it('leave loopback and private addresses alone unless told to limit them too', async () => {
    const { limits } = limitsWith({ maxConnectionsPerIp: 2, inboundRatePerIp: 1, inboundBurstPerIp: 1 })
    for (const ip of ['127.0.0.1', '::1', '10.0.0.5', '192.168.1.20']) {
      for (let i = 0; i < 10; i++) expect(await admit(limits, ip), ip).toBeDefined()
    }
    const strict = limitsWith({ maxConnectionsPerIp: 2, inboundBurstPerIp: 1000, limitLocalAddresses: true }).limits
    expect(await admit(strict, '127.0.0.1')).toBeDefined()
    expect(await admit(strict, '127.0.0.1')).toBeDefined()
    expect(await admit(strict, '127.0.0.1')).toBeUndefined()
  })

  it('let the allow list past every limit and refuse the deny list', async () => {
    const { limits } = limitsWith({ maxConnectionsPerIp: 1, inboundBurstPerIp: 1, allow: ['198.51.100.0/24'], deny: ['/ip4/203.0.113.0/ipcidr/24'] })
    for (let i = 0; i < 5; i++) expect(await admit(limits, '198.51.100.9')).toBeDefined()
    expect(limits.allowed(multiaddr('/ip4/198.51.100.9/tcp/1'))).toBe(true)
    expect(await admit(limits, '203.0.113.200')).toBeUndefined()
    expect(limits.refused['deny-list']).toBe(1)
  })

  it('keep the last slots for certified relays, with a few on probation for relays not met yet', async () => {
    const { limits } = limitsWith({ maxConnections: 10, reservedForRelays: 4 })
    let count = 0
    const relay = await newPeer()
    const stranger = await newPeer()
    const verdicts = new Map<string, boolean>([[relay.toString(), true], [stranger.toString(), false]])
    limits.bind({ connectionCount: () => count, verdict: peer => verdicts.get(peer.toString()), hasRoster: () => true })
    const socket = (): Socket => new Socket('127.0.0.1')
    count = 5
    expect(limits.refusePeer(stranger, socket())).toBe(false)
    count = 6
    // Past the six slots strangers may use: a known stranger is refused, a certified relay is not.
    expect(limits.refusePeer(stranger, socket())).toBe(true)
    expect(limits.refused['reserved-for-relays']).toBe(1)
    expect(limits.refusePeer(relay, socket())).toBe(false)
    // Peers the roster has no verdict on yet: half the reserved slots, on probation.
    const unknown = [await newPeer(), await newPeer(), await newPeer()]
    expect(limits.refusePeer(unknown[0] as PeerId, socket())).toBe(false)
    expect(limits.refusePeer(unknown[1] as PeerId, socket())).toBe(false)
    expect(limits.refusePeer(unknown[2] as PeerId, socket())).toBe(true)
    expect([...limits.provisional().keys()]).toEqual(unknown.slice(0, 2).map(String))
    limits.settleProvisional(unknown[0] as PeerId)
    expect(limits.refusePeer(unknown[2] as PeerId, socket())).toBe(false)
    // The allow list is past this limit too; and without a roster nothing is held back.
    const allowed = limitsWith({ maxConnections: 10, reservedForRelays: 4, allow: ['127.0.0.1'] }).limits
    allowed.bind({ connectionCount: () => 9, verdict: () => false, hasRoster: () => true })
    expect(allowed.refusePeer(stranger, socket())).toBe(false)
    const rosterless = limitsWith({ maxConnections: 10, reservedForRelays: 4 }).limits
    rosterless.bind({ connectionCount: () => 9, verdict: () => undefined, hasRoster: () => false })
    expect(rosterless.refusePeer(stranger, socket())).toBe(false)
  })

  it('hold connections and handshakes in progress under their totals, whatever the address, the allow list excepted', async () => {
    const { limits } = limitsWith({ maxConnections: 5, maxPendingConnections: 3, allow: ['192.0.2.1'] })
    let held = 0
    limits.bind({ connectionCount: () => held, verdict: () => undefined, hasRoster: () => false })
    const pending = ['127.0.0.1', '10.0.0.1', '203.0.113.7'].map(ip => new Socket(ip))
    for (const socket of pending) expect(limits.refuseSocket(socket)).toBe(false)
    expect(limits.inProgress).toBe(3)
    expect(limits.refuseSocket(new Socket('127.0.0.1'))).toBe(true)
    expect(limits.refused.pending).toBe(1)
    expect(limits.refuseSocket(new Socket('192.0.2.1'))).toBe(false)
    // Two finish their handshake, one fails: three held and none in progress.
    limits.refusePeer(await newPeer(), pending[0] as Socket)
    limits.refusePeer(await newPeer(), pending[1] as Socket)
    pending[2]?.close()
    held = 5
    expect(limits.inProgress).toBe(1)
    expect(limits.refuseSocket(new Socket('127.0.0.1'))).toBe(true)
    expect(limits.refused['max-connections']).toBe(1)
    held = 3
    expect(limits.refuseSocket(new Socket('127.0.0.1'))).toBe(false)
  })

  it('fill in defaults sized for a small server', () => {
    const { limits } = new ConnectionLimits()
    expect(limits.maxConnections).toBeGreaterThanOrEqual(2000)
    expect(limits.reservedForRelays).toBe(128)
    expect(limits.maxConnectionsPerIp).toBeLessThan(limits.maxConnections / 8)
    expect(limits.maxPendingConnections).toBe(256)
    expect(limits.inboundBurstPerIp).toBeGreaterThanOrEqual(limits.maxConnectionsPerIp / 2)
  })
})
