import type { Context, MiddlewareHandler } from 'hono'
import { errorJson } from './error-response.ts'
import type { ClientEnv } from './serve-types.ts'

/** Requests one client address may make a minute, by default (a minute's worth may come at once). */
export const DEFAULT_REQUESTS_PER_MINUTE = 600

export interface RateLimitOptions {
  /** Default 600: ten a second sustained. */
  readonly requestsPerMinute?: number
  /** Requests one address may make at once before the pace applies. Default a minute's worth. */
  readonly burst?: number
  /** The client's address; by default the TCP peer's, from the server (serve.*.ts). */
  readonly clientAddress?: (c: Context) => string | undefined
  /** Milliseconds; injectable for tests. */
  readonly now?: () => number
  /** Addresses tracked before full buckets are forgotten. Default 10,000. */
  readonly maxTracked?: number
  /** Told about every request refused (for metrics). */
  readonly onLimited?: () => void
}

interface Bucket { tokens: number, at: number }

/**
 * A token bucket per client address in front of the gateway (issue 10 finding
 * 9: a PUT with a bogus signature costs the relay ~20 ms of CPU, and nothing
 * limited how many a client sent). Past its rate a client gets 429 with
 * Retry-After. IPv6 clients are counted by /64, the block one host usually
 * holds; requests whose address the server did not say share one bucket.
 */
export function rateLimitByAddress (options: RateLimitOptions = {}): MiddlewareHandler {
  const perMinute = options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE
  const burst = options.burst ?? perMinute
  const perMs = perMinute / 60_000
  const now = options.now ?? Date.now
  const maxTracked = options.maxTracked ?? 10_000
  const addressOf = options.clientAddress ?? ((c: Context) => (c.env as ClientEnv | undefined)?.remoteAddress)
  const buckets = new Map<string, Bucket>()
  return async (c, next) => {
    const at = now()
    const client = addressBlock(addressOf(c) ?? 'unknown')
    let bucket = buckets.get(client)
    if (bucket === undefined) {
      if (buckets.size >= maxTracked) {
        for (const [key, old] of buckets) if (old.tokens + (at - old.at) * perMs >= burst) buckets.delete(key)
      }
      bucket = { tokens: burst, at }
      buckets.set(client, bucket)
    }
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, at - bucket.at) * perMs)
    bucket.at = at
    if (bucket.tokens < 1) {
      options.onLimited?.()
      const seconds = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000))
      c.header('retry-after', String(seconds))
      return errorJson(c, 429, 'ERR_RATE_LIMITED', `too many requests from this address: retry in ${seconds} s`)
    }
    bucket.tokens -= 1
    await next()
  }
}

/** An IPv4 address as it is, an IPv6 one as its /64 (an IPv4-mapped one as the IPv4 address). */
export function addressBlock (address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  if (mapped !== null) return mapped[1] as string
  if (!address.includes(':')) return address
  const [head = '', tail = ''] = address.split('%')[0]!.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === '' ? [] : tail.split(':')
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left
  return `${groups.slice(0, 4).map(group => group.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`
}
