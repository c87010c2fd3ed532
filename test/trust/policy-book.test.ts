import { describe, expect, it } from 'vitest'
import { InvalidSignatureError } from '../../src/errors.ts'
import { PolicyBook } from '../../src/trust/policy-book.ts'
import { TestKeyAdmin } from '../helpers/key-admin.ts'
import { createTestNetwork } from '../helpers/network.ts'

describe('PolicyBook', () => {
  it('takes only newer verified policies, fires change once, and keeps only what the signature covers', async () => {
    const network = await createTestNetwork()
    const book = new PolicyBook(network.root.publicKey, { policy: network.policy })
    const changes: number[] = []
    book.addEventListener('change', event => { changes.push((event as CustomEvent<{ policy: { version: number } }>).detail.policy.version) })
    const next = await new TestKeyAdmin(network).rotate(['qa_engineer'])
    const padded = { ...next, policy: { ...next.policy, junk: 'x'.repeat(1000) }, extra: true }
    expect(await book.offer(padded)).toBe(true)
    expect(book.version).toBe(2)
    expect(book.signed).toEqual({ policy: next.policy, signature: next.signature })
    expect(await book.offer(next)).toBe(false)
    expect(await book.offer(network.signed)).toBe(false)
    expect(book.version).toBe(2)
    expect(changes).toEqual([2])
    const other = await createTestNetwork()
    await expect(book.offer(other.signed)).rejects.toThrow(InvalidSignatureError)
    expect(await book.consider({ policy: { ...next.policy, version: 9 }, signature: next.signature })).toBe(false)
  })
})
