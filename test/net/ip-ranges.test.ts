import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { formatIp, hostBlock, isLocalIp, parseIp, parseIpRange, subnetBlock } from '../../src/net/ip-ranges.ts'

const ip = (text: string): Uint8Array => {
  const bytes = parseIp(text)
  if (bytes === undefined) throw new Error(`not an IP: ${text}`)
  return bytes
}

describe('IP addresses and ranges', () => {
  it('read IPv4, IPv6 in every spelling, and IPv4-mapped IPv6 as the IPv4 host', () => {
    expect([...ip('203.0.113.7')]).toEqual([203, 0, 113, 7])
    expect(formatIp(ip('2001:DB8::1'))).toBe('2001:db8:0:0:0:0:0:1')
    expect(formatIp(ip('[::1]'))).toBe('0:0:0:0:0:0:0:1')
    expect(formatIp(ip('fe80::1%eth0'))).toBe('fe80:0:0:0:0:0:0:1')
    expect(formatIp(ip('::ffff:192.0.2.1'))).toBe('192.0.2.1')
    expect(formatIp(ip('::ffff:c000:201'))).toBe('192.0.2.1')
    expect(formatIp(ip('64:ff9b::192.0.2.1'))).toBe('64:ff9b:0:0:0:0:c000:201')
    for (const bad of ['', '1.2.3', '1.2.3.256', '1.2.3.4.5', '1::2::3', '12345::', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', 'g::1', 'localhost']) {
      expect(parseIp(bad), bad).toBeUndefined()
    }
  })

  it('give back every address they print', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 16, maxLength: 16 })), bytes => {
      const mapped = bytes.length === 16 && bytes.subarray(0, 10).every(b => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
      expect(parseIp(formatIp(bytes))).toEqual(mapped ? bytes.slice(12) : bytes)
    }), { numRuns: 500 })
  })

  it('match CIDR blocks given as text or as multiaddrs, and refuse anything else', () => {
    const tenEight = parseIpRange('10.0.0.0/8')
    expect(tenEight.contains(ip('10.200.1.1'))).toBe(true)
    expect(tenEight.contains(ip('11.0.0.1'))).toBe(false)
    expect(tenEight.contains(ip('::1'))).toBe(false)
    expect(parseIpRange('/ip4/192.168.1.0/ipcidr/24').contains(ip('192.168.1.77'))).toBe(true)
    expect(parseIpRange('/ip4/203.0.113.7/tcp/4001').toString()).toBe('203.0.113.7/32')
    expect(parseIpRange('/ip6/2001:db8::/ipcidr/32').contains(ip('2001:db8:ffff::1'))).toBe(true)
    expect(parseIpRange('2001:db8::/32').contains(ip('2001:db9::1'))).toBe(false)
    expect(parseIpRange('0.0.0.0/0').contains(ip('198.51.100.1'))).toBe(true)
    for (const bad of ['10.0.0.0/33', '::/129', '/ip4/::1', '/ip6/10.0.0.1', 'example.com', '10.0.0.0/x', '/dns4/example.com/tcp/1']) {
      expect(() => parseIpRange(bad), bad).toThrow(UsageError)
    }
  })

  it('tell local addresses (loopback, private, link-local) from the internet', () => {
    for (const local of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.1.1', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isLocalIp(ip(local)), local).toBe(true)
    }
    for (const global of ['8.8.8.8', '172.32.0.1', '100.64.0.1', '203.0.113.7', '2001:db8::1', '2606:4700::1111']) {
      expect(isLocalIp(ip(global)), global).toBe(false)
    }
  })

  it('count a host by its IPv4 address or IPv6 /64, a subnet by its /24 or /48', () => {
    expect(hostBlock(ip('203.0.113.7'))).toBe('203.0.113.7')
    expect(hostBlock(ip('2001:db8:1:2:aaaa::1'))).toBe(hostBlock(ip('2001:db8:1:2:bbbb::9')))
    expect(hostBlock(ip('2001:db8:1:2::1'))).not.toBe(hostBlock(ip('2001:db8:1:3::1')))
    expect(subnetBlock(ip('203.0.113.7'))).toBe('203.0.113.0/24')
    expect(subnetBlock(ip('2001:db8:1:2::1'))).toBe(subnetBlock(ip('2001:db8:1:ffff::1')))
    expect(subnetBlock(ip('2001:db8:1::1'))).not.toBe(subnetBlock(ip('2001:db8:2::1')))
  })
})
