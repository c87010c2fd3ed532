import { describe, expect, it } from 'vitest'
import { createMemoryStore } from '../../src/store/memory.ts'
import { KeyVault } from '../../src/vault/key-vault.ts'
import { membershipChange, memberOf } from '../../src/vault/membership-change.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'

// Issue 10 finding 10: an invite link of another network silently replaced the
// keys a browser held. The app asks first whenever this says anything but
// "none" (empty vault) or "same" (the link it joined with, opened again).
const network = await createTestNetwork()
const other = await createTestNetwork()
const mine = await createTestInvite(network, ['backend_developer'], [], 'Me')

describe('membershipChange', () => {
  it('tells an empty vault, the same membership, another member and another network apart', async () => {
    const vault = new KeyVault(createMemoryStore())
    expect(membershipChange(await vault.summary(), mine)).toBe('none')
    const summary = await vault.save(mine)
    expect(summary.member).toBe(memberOf(mine))
    expect(membershipChange(summary, mine)).toBe('same')
    expect(membershipChange(summary, await createTestInvite(network, ['backend_developer'], [], 'Me'))).toBe('other-member')
    expect(membershipChange(summary, await createTestInvite(other, ['backend_developer'], [], 'Me'))).toBe('other-network')
  })

  it('treats a summary saved before it named its member as another member, never as the same', async () => {
    const summary = await new KeyVault(createMemoryStore()).save(mine)
    const { member: _, ...old } = summary
    expect(membershipChange(old, mine)).toBe('other-member')
  })
})
