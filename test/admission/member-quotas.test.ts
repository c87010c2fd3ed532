import { describe, expect, it } from 'vitest'
import { MemberQuotas } from '../../src/admission/member-quotas.ts'
import { QuotaExceededError } from '../../src/errors.ts'

// Issue 10 finding 9: the token buckets behind per-member quotas, on an injected clock.
describe('member quotas (issue 10 finding 9)', () => {
  it('allow a minute at once, then the pace; say when to retry; refunds give back', () => {
    let now = 0
    const quotas = new MemberQuotas({ quota: () => ({ writesPerMinute: 2, bytesPerMinute: 1000 }), now: () => now })
    quotas.reserve('alice', 100)
    const second = quotas.reserve('alice', 100)
    const error = (() => { try { quotas.reserve('alice', 100) } catch (e) { return e } })() as QuotaExceededError
    expect(error).toBeInstanceOf(QuotaExceededError)
    expect(error.code).toBe('ERR_QUOTA_EXCEEDED')
    expect(error.retryAfterMs).toBe(30_000)
    quotas.reserve('bob', 100)
    second.refund()
    second.refund()
    quotas.reserve('alice', 100)
    expect(() => quotas.reserve('alice', 100)).toThrow(QuotaExceededError)
    now += 30_000
    quotas.reserve('alice', 100)
  })

  it('limit bytes as well as writes, and follow a changed quota at once', () => {
    let now = 0
    let quota = { writesPerMinute: 100, bytesPerMinute: 1000 }
    const quotas = new MemberQuotas({ quota: () => quota, now: () => now })
    quotas.reserve('alice', 900)
    expect(() => quotas.reserve('alice', 200)).toThrow(/retry in 6 s/)
    // A higher quota refills at its own pace from now on (100 ms at the old one gives 2 bytes).
    quota = { writesPerMinute: 100, bytesPerMinute: 100_000 }
    now += 100
    quotas.reserve('alice', 200)
  })

  it('forget members whose buckets are full again, so made-up members cost nothing lasting', () => {
    let now = 0
    const quotas = new MemberQuotas({ quota: () => ({ writesPerMinute: 10, bytesPerMinute: 1000 }), now: () => now, maxTracked: 3 })
    for (const member of ['a', 'b', 'c']) quotas.reserve(member, 10).refund()
    quotas.reserve('d', 10)
    expect(quotas.tracked).toBe(1)
    now += 1
    quotas.reserve('e', 10)
    expect(quotas.tracked).toBe(2)
  })
})
