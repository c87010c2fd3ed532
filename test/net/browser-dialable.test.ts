import { describe, expect, it } from 'vitest'
import { browserDialable } from '../../src/net/browser-dialable.ts'

const PEER = '12D3KooWGRUJgUbPTGJ4p4gdsWcFkPK4ndBAnsxLrCFFPxzDhoNm'

describe('addresses a browser can dial', () => {
  it('keeps WebSockets, WebTransport and WebRTC addresses in order, and drops TCP ones', () => {
    const invite = [
      `/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`,
      `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`,
      `/dns4/relay.example/tcp/443/tls/ws/p2p/${PEER}`,
      `/ip4/127.0.0.1/tcp/4011/p2p/${PEER}`,
      `/ip4/127.0.0.1/udp/4003/quic-v1/webtransport/p2p/${PEER}`
    ]
    expect(browserDialable(invite)).toEqual([invite[1], invite[2], invite[4]])
  })

  it('leaves a list with nothing a browser can dial as it is, and skips what does not parse', () => {
    const tcp = [`/ip4/127.0.0.1/tcp/4001/p2p/${PEER}`]
    expect(browserDialable(tcp)).toEqual(tcp)
    expect(browserDialable(['not a multiaddr', `/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`])).toEqual([`/ip4/127.0.0.1/tcp/4002/ws/p2p/${PEER}`])
  })
})
