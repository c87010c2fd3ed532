import { describe, expect, it } from 'vitest'
import { VaultLockedError } from '../../src/errors.ts'
import { createMemoryStore } from '../../src/store/memory.ts'
import { KeyVault } from '../../src/vault/key-vault.ts'
import { createTestInvite, createTestNetwork } from '../helpers/network.ts'

const network = await createTestNetwork()
const invite = await createTestInvite(network, ['backend_developer'], [], 'Bob')
// A low scrypt work factor keeps the test fast; the app uses age's default.
const options = { scryptWorkFactor: 10 }

describe('KeyVault', () => {
  it('is empty at first, then keeps an invite and describes it without secrets', async () => {
    const store = createMemoryStore()
    const vault = new KeyVault(store, options)
    expect(await vault.summary()).toBeUndefined()
    expect(await vault.load()).toBeUndefined()
    const summary = await vault.save(invite)
    expect(summary).toMatchObject({ network: invite.network, label: 'Bob', protected: false })
    expect(summary.roles.backend_developer?.[0]).toMatch(/^age1/)
    expect(JSON.stringify(summary)).not.toContain('AGE-SECRET-KEY')
    expect(await vault.load()).toEqual(invite)
  })

  it('seals the secrets under a passphrase: none of them readable in the store, opened only with it', async () => {
    const store = createMemoryStore()
    const vault = new KeyVault(store, options)
    await vault.save(invite, { passphrase: 'correct horse' })
    for await (const [, value] of store.list('')) {
      const text = new TextDecoder().decode(value) // lenient: the sealed part is binary
      expect(text).not.toContain('AGE-SECRET-KEY')
      expect(text).not.toContain(invite.member.key)
    }
    expect((await vault.summary())?.protected).toBe(true)
    await expect(vault.load()).rejects.toThrow(VaultLockedError)
    await expect(vault.load({ passphrase: 'wrong' })).rejects.toThrow(/wrong passphrase/)
    expect(await vault.load({ passphrase: 'correct horse' })).toEqual(invite)
  })

  it('survives closing and reopening its store, and clear() removes everything', async () => {
    const store = createMemoryStore()
    await new KeyVault(store, options).save(invite)
    await store.close()
    const again = new KeyVault(store, options)
    expect(await again.load()).toEqual(invite)
    await again.clear()
    expect(await again.summary()).toBeUndefined()
  })
})
