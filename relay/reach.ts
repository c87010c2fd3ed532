import { multiaddr } from '@multiformats/multiaddr'
import { isPrivateIp } from '@libp2p/utils'

/**
 * How far an address reaches: 'loopback' only from this machine, 'private'
 * from the same network (10/8, 192.168/16, fc00::/7, …), 'public' from
 * anywhere. A DNS name other than localhost counts as public: whoever is told
 * the name is expected to resolve it.
 */
export type Reach = 'loopback' | 'private' | 'public'

const ORDER: readonly Reach[] = ['loopback', 'private', 'public']

export function hostReach (host: string): Reach {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase()
  if (bare === 'localhost' || bare.endsWith('.localhost') || bare.startsWith('127.') || bare === '::1') return 'loopback'
  if (bare.endsWith('.local') || isPrivateIp(bare) === true) return 'private'
  return 'public'
}

/** The reach of a multiaddr's host; undefined when it names none (a /p2p-circuit address). Throws on text that is not a multiaddr. */
export function addressReach (address: string): Reach | undefined {
  const host = multiaddr(address).getComponents().find(c => ['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr'].includes(c.name))?.value
  return host === undefined ? undefined : hostReach(host)
}

/** Whether someone whose own address reaches `from` can dial `address`. */
export function reachableFrom (address: string, from: Reach): boolean {
  const reach = addressReach(address)
  return reach === undefined || ORDER.indexOf(reach) >= ORDER.indexOf(from)
}
