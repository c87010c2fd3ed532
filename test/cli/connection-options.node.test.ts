import { describe, expect, it } from 'vitest'
import { UsageError } from '../../src/errors.ts'
import { connectionLimitsFrom } from '../../relay/connection-options.ts'

describe('slurp relay connection flags', () => {
  it('read flags first, then the environment, and leave the rest to the defaults', () => {
    expect(connectionLimitsFrom({}, {})).toEqual({ connections: {}, httpLimits: {} })
    const { connections, httpLimits } = connectionLimitsFrom(
      { 'max-connections': '4000', allow: ['10.0.0.0/8,192.168.1.7', '/ip6/2001:db8::/ipcidr/32'], 'limit-local': true },
      { SLURP_MAX_CONNECTIONS: '10', SLURP_INBOUND_RATE_PER_IP: '2.5', SLURP_MAX_CONNECTIONS_PER_IP: '16', SLURP_DENY: '203.0.113.0/24', SLURP_HTTP_MAX_CONNECTIONS: '512' }
    )
    expect(connections).toEqual({
      maxConnections: 4000,
      maxConnectionsPerIp: 16,
      inboundRatePerIp: 2.5,
      allow: ['10.0.0.0/8', '192.168.1.7', '/ip6/2001:db8::/ipcidr/32'],
      deny: ['203.0.113.0/24'],
      limitLocalAddresses: true
    })
    expect(httpLimits).toEqual({ maxConnections: 512 })
    expect(connectionLimitsFrom({}, { SLURP_LIMIT_LOCAL: '1', SLURP_MAX_PENDING_CONNECTIONS: '64' }).connections).toEqual({ limitLocalAddresses: true, maxPendingConnections: 64 })
  })

  it('name the flag when a value is wrong', () => {
    expect(() => connectionLimitsFrom({ 'max-connections': 'many' }, {})).toThrow(/--max-connections/)
    expect(() => connectionLimitsFrom({ 'max-connections-per-ip': '1.5' }, {})).toThrow(UsageError)
    expect(() => connectionLimitsFrom({}, { SLURP_INBOUND_RATE_PER_IP: '0' })).toThrow(/SLURP_INBOUND_RATE_PER_IP/)
    expect(() => connectionLimitsFrom({ allow: ['example.com'] }, {})).toThrow(/--allow/)
  })
})
