// The browser invite `npm start` hands to its own admin, kept in the network
// directory (web-invite.json, mode 0600) and reused: minting a new all-roles
// certificate on every run left one more live 30-day membership each time.
// It is renewed when near expiry or when the policy changed (new roles).
// The link's #fragment holds the invite sealed under a passphrase, so the
// browser history that keeps the link keeps nothing usable on its own.
import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const WEB_INVITE_FILE = 'web-invite.json'
const FORMAT = 'slurp-web-invite/1'
const DAY_MS = 86_400_000
/** Renewed once fewer than this many days are left, so an open tab never meets an expired one unwarned. */
export const RENEW_WITHIN_DAYS = 7

/**
 * The kept invite if it is still good for `webUrl` and `policyVersion`, else a
 * new one (written to disk). `cli`: node's arguments that run the slurp CLI
 * (the built dist/relay/cli.js, or the source through tsx in tests).
 */
export function keptWebInvite ({ cli, dir, webUrl, roles, policyVersion, now = Date.now(), days = 30, cwd }) {
  const path = join(dir, WEB_INVITE_FILE)
  const kept = readKept(path)
  if (kept !== undefined && kept.webUrl === webUrl && kept.policyVersion === policyVersion && kept.notAfter - now > RENEW_WITHIN_DAYS * DAY_MS) {
    return { ...kept, path, minted: false }
  }
  const result = spawnSync(process.execPath, [...cli, 'invite', '--dir', dir, '--roles', roles.join(','), '--label', 'local admin', '--days', String(days), '--url', webUrl, '--json'], {
    encoding: 'utf8',
    ...(cwd === undefined ? {} : { cwd }),
    // A passphrase from the environment would be one a person chose; this one is generated.
    env: { ...process.env, SLURP_INVITE_PASSPHRASE: '' }
  })
  if (result.status !== 0) throw new Error(`slurp invite failed: ${result.stderr.trim()}`)
  const made = JSON.parse(result.stdout)
  const record = { format: FORMAT, webUrl, policyVersion, url: made.url, passphrase: made.passphrase, notAfter: made.notAfter, createdAt: now }
  // Written whole or not at all, readable by the owner only: it opens every role's keys.
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
  return { ...record, path, minted: true }
}

function readKept (path) {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8'))
    if (value?.format !== FORMAT || typeof value.url !== 'string' || typeof value.passphrase !== 'string' || typeof value.notAfter !== 'number') return undefined
    return value
  } catch {
    return undefined
  }
}
