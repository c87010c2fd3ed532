import { SlurpError } from '../../../src/index.browser.ts'
import type { VectorClock } from '../../../src/index.browser.ts'

/** "3 writers, 5 writes" reads better than a map of base64 keys. */
export function formatClock (clock: VectorClock | null): string {
  if (clock === null) return '—'
  const entries = Object.entries(clock)
  const writes = entries.reduce((sum, [, count]) => sum + count, 0)
  return `${writes} write${writes === 1 ? '' : 's'} by ${entries.length} writer${entries.length === 1 ? '' : 's'}`
}

export function formatTime (ms: number): string {
  return new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function shortId (id: string): string {
  return id.length <= 14 ? id : `${id.slice(0, 6)}…${id.slice(-6)}`
}

/** A message a person can act on, for each error the core names. */
export function explain (error: unknown): { title: string, detail: string, code: string } {
  const code = error instanceof SlurpError ? error.code : 'ERR_UNKNOWN'
  const detail = error instanceof Error ? error.message : String(error)
  const titles: Record<string, string> = {
    ERR_ACCESS_DENIED: 'None of your roles may read this',
    ERR_NOT_FOUND: 'Nothing is stored here yet',
    ERR_NETWORK: 'Could not reach the network',
    ERR_REPLICATION: 'Too few relays stored it',
    ERR_WRITE_NOT_ALLOWED: 'Your roles may not write this',
    ERR_INVALID_ADDRESS: 'That is not a ucxl:// address',
    ERR_INVALID_INVITE: 'That invite does not check out',
    ERR_INVALID_KEY: 'That is not an age identity',
    ERR_VAULT_LOCKED: 'Wrong or missing passphrase',
    ERR_INVITE_PASSPHRASE: 'Wrong or missing invite passphrase',
    ERR_RECORD_TOO_LARGE: 'Too large for the network’s limit',
    ERR_USAGE: 'Something is missing'
  }
  return { title: titles[code] ?? 'Something went wrong', detail, code }
}
