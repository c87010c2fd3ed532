import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { unsealInvite } from '../../src/invite/sealed.ts'
import { decodeCertificate } from '../../src/trust/certificate.ts'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { projectRoot, slurp } from '../helpers/cli.ts'
// @ts-expect-error: a plain ESM script with no type declarations
import { keptWebInvite, RENEW_WITHIN_DAYS, WEB_INVITE_FILE } from '../../scripts/web-invite.mjs'

// Issue 10 finding 10: `npm start` minted a new all-roles 30-day certificate on
// every run and printed its secret link each time. Now one is kept (0600) and
// reused while valid; scripts/start.mjs prints it only when asked.
const DAY_MS = 86_400_000
let base: string
let dir: string
// The CLI from source, as tests run it (test/helpers/cli.ts); scripts/start.mjs runs the built one.
const cli = ['--conditions=slurp-source', '--import', 'tsx', 'relay/cli.ts']

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'slurp-web-invite-'))
  dir = join(base, 'net')
  expect((await slurp(['init', '--dir', dir])).code).toBe(0)
}, 60_000)
afterAll(async () => { await rm(base, { recursive: true, force: true }) })

describe('npm start\'s kept browser invite', () => {
  it('is minted once, kept readable by its owner only, reused, and renewed near expiry or on a new policy', async () => {
    const settings = { cli, cwd: projectRoot, dir, webUrl: 'http://127.0.0.1:4080/', roles: ['admin', 'observer'], policyVersion: 1 }
    const first = keptWebInvite(settings)
    expect(first.minted).toBe(true)
    expect((await stat(join(dir, WEB_INVITE_FILE))).mode & 0o777).toBe(0o600)
    const kept = JSON.parse(await readFile(join(dir, WEB_INVITE_FILE), 'utf8'))
    expect(kept.url).toBe(first.url)
    // A sealed link: the certificate inside is all-roles, 30 days.
    const invite = await unsealInvite(new URL(first.url).hash.slice('#invite='.length), first.passphrase)
    const certificate = decodeCertificate(fromBase64url(invite.member.certificate))
    expect([...certificate.roles]).toEqual(['admin', 'observer'])
    expect(certificate.notAfter).toBe(first.notAfter)

    const again = keptWebInvite(settings)
    expect(again.minted).toBe(false)
    expect(again.url).toBe(first.url)

    const nearExpiry = keptWebInvite({ ...settings, now: first.notAfter - (RENEW_WITHIN_DAYS - 1) * DAY_MS })
    expect(nearExpiry.minted).toBe(true)
    expect(nearExpiry.url).not.toBe(first.url)
    const newPolicy = keptWebInvite({ ...settings, policyVersion: 2 })
    expect(newPolicy.minted).toBe(true)
  }, 60_000)
})
