import { UsageError } from '../errors.ts'

/**
 * IP addresses as bytes, CIDR ranges, and the blocks a relay counts
 * connections by. Web APIs only (relays run on Node, Bun and Deno).
 */

/** 4 bytes for IPv4 (also for an IPv4-mapped IPv6 address), 16 for IPv6; undefined when `text` is not an IP address. */
export function parseIp (text: string): Uint8Array | undefined {
  const address = text.trim().replace(/^\[|\]$/g, '').split('%')[0] as string
  if (!address.includes(':')) return parseIpv4(address)
  // An IPv4 tail (::ffff:192.0.2.1) is two more groups.
  let head = address
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(address)
  if (tail !== null) {
    const v4 = parseIpv4(tail[2] as string)
    if (v4 === undefined) return undefined
    head = `${tail[1] as string}${(((v4[0] as number) << 8) | (v4[1] as number)).toString(16)}:${(((v4[2] as number) << 8) | (v4[3] as number)).toString(16)}`
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groupsOf = (part: string): string[] => part === '' ? [] : part.split(':')
  const left = groupsOf(halves[0] as string)
  const right = halves.length === 2 ? groupsOf(halves[1] as string) : []
  const missing = 8 - left.length - right.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]
  const bytes = new Uint8Array(16)
  for (let i = 0; i < 8; i++) {
    const group = groups[i] as string
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined
    const value = parseInt(group, 16)
    bytes[i * 2] = value >> 8
    bytes[i * 2 + 1] = value & 0xff
  }
  // ::ffff:a.b.c.d is the IPv4 host a.b.c.d: count and match it as one.
  if (bytes.subarray(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12)
  return bytes
}

function parseIpv4 (text: string): Uint8Array | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every(part => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return undefined
  return Uint8Array.from(parts.map(Number))
}

/** A CIDR block: every address whose first `prefix` bits equal those of `base`. */
export class IpRange {
  constructor (readonly base: Uint8Array, readonly prefix: number) {}

  contains (ip: Uint8Array): boolean {
    if (ip.length !== this.base.length) return false
    return samePrefix(ip, this.base, this.prefix)
  }

  toString (): string {
    return `${formatIp(this.base)}/${this.prefix}`
  }
}

/**
 * Reads an allow- or deny-list entry: an address (`203.0.113.7`, `2001:db8::1`),
 * a CIDR block (`10.0.0.0/8`, `2001:db8::/32`) or a multiaddr whose first part
 * is one (`/ip4/10.0.0.0/ipcidr/8`, `/ip6/::1`, `/ip4/203.0.113.7/tcp/4001`).
 * Throws UsageError otherwise.
 */
export function parseIpRange (text: string): IpRange {
  const value = text.trim()
  let address = value
  let prefix: string | undefined
  const ma = /^\/ip([46])\/([^/]+)(?:\/ipcidr\/(\d+))?(?:\/.*)?$/.exec(value)
  if (ma !== null) {
    address = ma[2] as string
    prefix = ma[3]
  } else if (value.includes('/')) {
    [address, prefix] = value.split('/') as [string, string]
  }
  const ip = parseIp(address)
  const bits = ip === undefined ? 0 : ip.length * 8
  const length = prefix === undefined ? bits : Number(prefix)
  if (ip === undefined || (ma !== null && (ma[1] === '4') !== (ip.length === 4)) || !/^\d*$/.test(prefix ?? '') || !Number.isInteger(length) || length < 0 || length > bits) {
    throw new UsageError(`not an IP address, CIDR block or /ip4|/ip6 multiaddr: "${text}"`)
  }
  return new IpRange(ip, length)
}

const LOCAL_RANGES = [
  '127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '0.0.0.0/32',
  '::1/128', 'fc00::/7', 'fe80::/10', '::/128'
].map(parseIpRange)

/**
 * Loopback, private (RFC 1918, IPv6 unique local) and link-local addresses:
 * connections from these come from the same machine or network (a one-machine
 * mesh, a reverse proxy, a container bridge), where limits meant for the
 * internet would only refuse the operator's own tools.
 */
export function isLocalIp (ip: Uint8Array): boolean {
  return LOCAL_RANGES.some(range => range.contains(ip))
}

/** The block one host holds: an IPv4 address itself, an IPv6 address's /64. */
export function hostBlock (ip: Uint8Array): string {
  return ip.length === 4 ? formatIp(ip) : new IpRange(masked(ip, 64), 64).toString()
}

/** The block one network usually holds: IPv4 /24, IPv6 /48. */
export function subnetBlock (ip: Uint8Array): string {
  const prefix = ip.length === 4 ? 24 : 48
  return new IpRange(masked(ip, prefix), prefix).toString()
}

export function formatIp (ip: Uint8Array): string {
  if (ip.length === 4) return ip.join('.')
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) groups.push((((ip[i] as number) << 8) | (ip[i + 1] as number)).toString(16))
  return groups.join(':')
}

function masked (ip: Uint8Array, prefix: number): Uint8Array {
  const out = new Uint8Array(ip.length)
  for (let i = 0; i < ip.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8))
    out[i] = (ip[i] as number) & (0xff << (8 - bits)) & 0xff
  }
  return out
}

function samePrefix (a: Uint8Array, b: Uint8Array, prefix: number): boolean {
  for (let i = 0; i * 8 < prefix; i++) {
    const bits = Math.min(8, prefix - i * 8)
    const mask = (0xff << (8 - bits)) & 0xff
    if (((a[i] as number) & mask) !== ((b[i] as number) & mask)) return false
  }
  return true
}
