import { multiaddr } from '@multiformats/multiaddr'

const BROWSER_TRANSPORTS = new Set(['ws', 'wss', 'webtransport', 'webrtc', 'webrtc-direct'])

/**
 * The addresses of a list a browser can dial (WebSockets, WebTransport,
 * WebRTC), in their order; the whole list when none is. An invite lists each
 * relay's TCP address first, and a browser tab given those first spent its
 * dial budget on addresses it can never reach (the README's embed example
 * joined 0 relays).
 */
export function browserDialable (addresses: readonly string[]): string[] {
  const dialable = addresses.filter(address => {
    try {
      return multiaddr(address).getComponents().some(component => BROWSER_TRANSPORTS.has(component.name))
    } catch {
      return false
    }
  })
  return dialable.length > 0 ? dialable : [...addresses]
}
