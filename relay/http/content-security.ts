import { multiaddr } from '@multiformats/multiaddr'

/**
 * The web app's Content-Security-Policy. `connect-src` bounds where a script
 * in the page — ours, or one injected through a bug — may send anything:
 * the role keys live in this page. The page needs exactly two kinds of
 * connection: `fetch` to its own origin (/v1/bootstrap) and WebSockets to
 * relays (WebRTC to other tabs is outside CSP's reach in every browser).
 *
 * Which relays? The page dials what /v1/bootstrap lists (this relay and the
 * certified relays it knows), what the invite lists, and what kad-dht finds
 * later — relays that may join after the page loaded, on ports nobody knew at
 * header time. So the bound is by host, not by port: WebSockets to the hosts
 * of this relay's own listen addresses, of the relays it lists at
 * /v1/bootstrap, and to the host the page was loaded from, any port.
 * Everything else (other hosts, plain http(s) to anywhere but here) is
 * refused. A relay on a host this relay has never seen is not dialable from
 * the page it serves until this relay learns of it; ?relay= in the URL is for
 * pages served by something else (vite's dev server sends no CSP).
 */
export function contentSecurityPolicy (connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    `connect-src ${["'self'", ...connectSources].join(' ')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'"
  ].join('; ')
}

/** `ws://HOST:*` / `wss://HOST:*` for each WebSocket multiaddr's host, and for the host the page came from. */
export function webSocketSources (multiaddrs: readonly string[], pageUrl?: string): string[] {
  const sources = new Set<string>()
  for (const address of multiaddrs) {
    const source = webSocketSource(address)
    if (source !== undefined) sources.add(source)
  }
  if (pageUrl !== undefined) {
    try {
      const host = new URL(pageUrl).host.replace(/:\d+$/, '')
      // The page's own host: a relay behind the same name serves its WebSockets there too.
      sources.add(`ws://${host}:*`)
      sources.add(`wss://${host}:*`)
    } catch {
      // No usable URL: only the relays' own hosts.
    }
  }
  return [...sources].sort()
}

function webSocketSource (address: string): string | undefined {
  try {
    const components = multiaddr(address).getComponents()
    const names = components.map(component => component.name)
    const secure = names.includes('wss') || (names.includes('tls') && names.includes('ws'))
    if (!secure && !names.includes('ws')) return undefined
    const hostPart = components.find(component => ['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(component.name))
    if (hostPart?.value === undefined) return undefined
    const host = hostPart.name === 'ip6' ? `[${hostPart.value}]` : hostPart.value
    // A CSP host-source cannot hold characters outside a hostname: anything odd is left out, not echoed.
    if (!/^[\w.\-[\]:]+$/.test(host)) return undefined
    return `${secure ? 'wss' : 'ws'}://${host}:*`
  } catch {
    return undefined
  }
}
