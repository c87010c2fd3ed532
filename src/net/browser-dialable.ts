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
  const dialable = addresses.filter(isBrowserDialable)
  return dialable.length > 0 ? dialable : [...addresses]
}

/** Whether a browser can dial this address (a relay serving the web app needs one). */
export function isBrowserDialable (address: string): boolean {
  try {
    return multiaddr(address).getComponents().some(component => BROWSER_TRANSPORTS.has(component.name))
  } catch {
    return false
  }
}
