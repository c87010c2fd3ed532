import { describe, expect, it } from 'vitest'
import { showDirectionControls } from '../../src/element/bidi.ts'
import { contentSecurityPolicy, webSocketSources } from '../../relay/http/content-security.ts'

// Issue 10 finding 10: "\u202Egnp.exe" displayed as "exe.png".
describe('showDirectionControls', () => {
  it('shows override and isolate controls as visible markers and leaves other text alone', () => {
    expect(showDirectionControls('\u202Egnp.exe')).toBe('[U+202E]gnp.exe')
    expect(showDirectionControls('a\u2066b\u2069c\u202Ad\u202C')).toBe('a[U+2066]b[U+2069]c[U+202A]d[U+202C]')
    expect(showDirectionControls('שלום world \u200F')).toBe('שלום world \u200F')
  })
})

// Issue 10 finding 10: connect-src allowed ws:, wss:, http: and https: anywhere.
describe('the web app\'s connect-src', () => {
  it('names the relays\' hosts for WebSockets, any port, and the page\'s own host', () => {
    const sources = webSocketSources([
      '/ip4/127.0.0.1/tcp/4002/ws/p2p/12D3KooWGiZzNMozQkK7dTj62JQvVqMPZymBM1i5mAZeCUuhKsp2',
      '/ip4/10.0.0.5/tcp/4012/ws',
      '/dns4/relay.example.com/tcp/443/wss',
      '/dns4/other.example.com/tcp/443/tls/ws',
      '/ip6/::1/tcp/4022/ws',
      '/ip4/10.0.0.6/tcp/4001',
      'not a multiaddr'
    ], 'http://127.0.0.1:4080/index.html')
    expect(sources).toEqual([
      'ws://10.0.0.5:*', 'ws://127.0.0.1:*', 'ws://[::1]:*', 'wss://127.0.0.1:*', 'wss://other.example.com:*', 'wss://relay.example.com:*'
    ])
    const header = contentSecurityPolicy(sources)
    const connect = header.split('; ').find(part => part.startsWith('connect-src ')) ?? ''
    expect(connect.split(' ')).not.toContain('ws:')
    expect(connect.split(' ')).not.toContain('http:')
    expect(connect.split(' ')).not.toContain('https:')
    expect(connect).toContain("'self'")
  })
})
