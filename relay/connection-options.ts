import { UsageError } from '../src/errors.ts'
import type { ConnectionGuardInit } from '../src/net/connection-guard.ts'
import {
  DEFAULT_INBOUND_RATE_PER_IP, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_IP, DEFAULT_MAX_PENDING_CONNECTIONS, resolveConnectionLimits
} from '../src/net/connection-limits.ts'
import type { OptionSpec } from './command.ts'
import { DEFAULT_HTTP_MAX_CONNECTIONS } from './http/connection-cap.ts'
import type { HttpLimits } from './http/serve-types.ts'

/** `slurp relay` flags for its connection limits (src/net/connection-limits.ts, relay/http/connection-cap.ts). */
export const RELAY_CONNECTION_OPTIONS: OptionSpec = {
  'max-connections': { type: 'string' },
  'max-pending-connections': { type: 'string' },
  'max-connections-per-ip': { type: 'string' },
  'inbound-rate-per-ip': { type: 'string' },
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  'limit-local': { type: 'boolean' },
  'http-max-connections': { type: 'string' }
}

export const RELAY_CONNECTION_HELP = [
  `--max-connections N (default ${DEFAULT_MAX_CONNECTIONS}, of which an eighth, at most 128, only certified relays may take),`,
  `--max-pending-connections N (handshakes at once, default ${DEFAULT_MAX_PENDING_CONNECTIONS}), --max-connections-per-ip N (default`,
  `${DEFAULT_MAX_CONNECTIONS_PER_IP}; an IPv6 /64 is one host, a /24 or /48 holds twice that), --inbound-rate-per-ip N (new connections`,
  `a second per host, default ${DEFAULT_INBOUND_RATE_PER_IP}, after a burst of 100), --allow LIST and --deny LIST (addresses, CIDR blocks or /ip4,`,
  '/ip6 multiaddrs; allowed ones skip every limit). Loopback and private addresses skip the per-host',
  'limits unless --limit-local. --http-max-connections N (default ' + String(DEFAULT_HTTP_MAX_CONNECTIONS) + '; when full the oldest goes).',
  'Environment: SLURP_MAX_CONNECTIONS, SLURP_MAX_PENDING_CONNECTIONS, SLURP_MAX_CONNECTIONS_PER_IP,',
  'SLURP_INBOUND_RATE_PER_IP, SLURP_ALLOW, SLURP_DENY (comma-separated), SLURP_LIMIT_LOCAL=1, SLURP_HTTP_MAX_CONNECTIONS.'
].join('\n')

type Values = Record<string, unknown>
type Env = Readonly<Record<string, string | undefined>>

/** The relay's connection limits from its flags or environment; the defaults for what neither sets. */
export function connectionLimitsFrom (values: Values, env: Env): { connections: ConnectionGuardInit, httpLimits: HttpLimits } {
  const pick = (flag: string, name: string): string | undefined => {
    const value = (values[flag] as string | undefined) ?? env[name]
    return value === undefined || value.trim() === '' ? undefined : value.trim()
  }
  const number = (flag: string, name: string, min: number, whole = true): number | undefined => {
    const text = pick(flag, name)
    if (text === undefined) return undefined
    const value = Number(text)
    if (!Number.isFinite(value) || value < min || (whole && !Number.isInteger(value))) {
      throw new UsageError(`--${flag} (${name}) takes a ${whole ? 'whole ' : ''}number ≥ ${min}, not "${text}"`)
    }
    return value
  }
  const list = (flag: string, name: string): string[] | undefined => {
    const given = (values[flag] as string[] | undefined) ?? (env[name] === undefined ? undefined : [env[name]])
    return given?.flatMap(value => value.split(',')).map(value => value.trim()).filter(value => value !== '')
  }
  const limitLocal = values['limit-local'] === true || /^(1|true|yes)$/i.test(env.SLURP_LIMIT_LOCAL ?? '')
  const connections: ConnectionGuardInit = dropUndefined({
    maxConnections: number('max-connections', 'SLURP_MAX_CONNECTIONS', 2),
    maxPendingConnections: number('max-pending-connections', 'SLURP_MAX_PENDING_CONNECTIONS', 1),
    maxConnectionsPerIp: number('max-connections-per-ip', 'SLURP_MAX_CONNECTIONS_PER_IP', 1),
    inboundRatePerIp: number('inbound-rate-per-ip', 'SLURP_INBOUND_RATE_PER_IP', 0.001, false),
    allow: list('allow', 'SLURP_ALLOW'),
    deny: list('deny', 'SLURP_DENY'),
    ...(limitLocal ? { limitLocalAddresses: true } : {})
  })
  // Malformed lists are reported now, with the flag's name, not when the node starts.
  try {
    resolveConnectionLimits(connections)
  } catch (error) {
    throw new UsageError(`--allow/--deny: ${(error as Error).message}`)
  }
  return { connections, httpLimits: dropUndefined({ maxConnections: number('http-max-connections', 'SLURP_HTTP_MAX_CONNECTIONS', 1) }) }
}

function dropUndefined<T extends object> (value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}
