import { describe, expect, it } from 'vitest'
import { InvalidInviteError, InvitePassphraseError } from '../../src/errors.ts'
import { fromBase64url } from '../../src/encoding/base64url.ts'
import { formatInvite, inviteToFragment, openInvite } from '../../src/invite/invite.ts'
import { GENERATED_PASSPHRASE_WORK_FACTOR, generateInvitePassphrase, isSealedInvite, sealInvite, unsealInvite } from '../../src/invite/sealed.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'

// Issue 10 finding 10: an invite link's fragment stays in the browser's history
// files, so the default link carries the invite sealed under a passphrase.
const network = await createTestNetwork()
const invite = await createTestInvite(network, ['backend_developer'], ['/ip4/127.0.0.1/tcp/4002/ws'], 'Sam')
const fast = { workFactor: GENERATED_PASSPHRASE_WORK_FACTOR }

describe('sealed invites', () => {
  it('round-trip under their passphrase, fit a URL fragment, and hold no secret in the clear', async () => {
    const passphrase = generateInvitePassphrase()
    const sealed = await sealInvite(invite, passphrase, fast)
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(isSealedInvite(sealed)).toBe(true)
    const opened = await openInvite(await unsealInvite(sealed, passphrase))
    expect(opened.file).toEqual(invite)
    // Neither the text nor its decoded bytes show the seed, a role key or the plain fragment.
    const bytes = new TextDecoder().decode(fromBase64url(sealed))
    for (const secret of [invite.member.key, invite.roles.backend_developer?.[0] ?? 'x', inviteToFragment(invite).slice(0, 40)]) {
      expect(sealed).not.toContain(secret)
      expect(bytes).not.toContain(secret)
    }
    expect(bytes).toContain('scrypt')
  })

  it('tell sealed text from plain invites', () => {
    expect(isSealedInvite(inviteToFragment(invite))).toBe(false)
    expect(isSealedInvite(formatInvite(invite))).toBe(false)
    expect(isSealedInvite('not an invite')).toBe(false)
    expect(isSealedInvite('')).toBe(false)
  })

  it('refuse a wrong or missing passphrase with InvitePassphraseError, damaged text with a named error', async () => {
    const sealed = await sealInvite(invite, 'right horse', fast)
    await expect(unsealInvite(sealed, 'wrong horse')).rejects.toThrow(InvitePassphraseError)
    await expect(unsealInvite(sealed, '')).rejects.toThrow(InvitePassphraseError)
    // Cut short: still base64url (a multiple of 4 characters), but age cannot open it.
    await expect(unsealInvite(sealed.slice(0, sealed.length - (sealed.length % 4) - 12), 'right horse')).rejects.toThrow(InvitePassphraseError)
    await expect(unsealInvite(`${sealed.slice(0, -12)}!`, 'right horse')).rejects.toThrow(InvalidInviteError)
    await expect(unsealInvite('abc', 'right horse')).rejects.toThrow(InvalidInviteError)
    await expect(sealInvite(invite, '')).rejects.toThrow(InvitePassphraseError)
  })

  it('generate passphrases of 100 random bits in five readable groups', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) {
      const passphrase = generateInvitePassphrase()
      expect(passphrase).toMatch(/^[a-km-np-z2-9]{4}(-[a-km-np-z2-9]{4}){4}$/)
      seen.add(passphrase)
    }
    expect(seen.size).toBe(200)
  })
})
