import { QuotaExceededError } from '../errors.ts'

/** A member's quota at one relay: records and bytes a minute (see memberQuotaOf in the policy). */
export interface MemberQuota {
  readonly writesPerMinute: number
  readonly bytesPerMinute: number
}

/** A write counted against its member's quota; given back when the relay did not take it after all. */
export interface Reservation {
  refund (): void
}

export interface MemberQuotasInit {
  /** Read on every write, so a newer policy's quota applies at once. */
  readonly quota: () => MemberQuota
  /** Milliseconds; injectable for tests. Default Date.now. */
  readonly now?: () => number
  /** Members tracked before full buckets (members idle for a minute) are forgotten. Default 10,000. */
  readonly maxTracked?: number
}

interface Bucket {
  writes: number
  bytes: number
  at: number
}

const MINUTE_MS = 60_000

/**
 * Per-member token buckets for writes a relay accepts first-hand (issue 10
 * finding 9: one member wrote 10,000 records in 32 s). Each bucket holds a
 * minute's quota and refills continuously, so a member may write a minute's
 * worth at once and then at the quota's pace. A write takes one write token
 * and its size in byte tokens, before it is validated (so concurrent writes
 * cannot all pass one check), and is refunded if the relay did not take it.
 */
export class MemberQuotas {
  private readonly buckets = new Map<string, Bucket>()
  private readonly now: () => number
  private readonly maxTracked: number

  constructor (private readonly init: MemberQuotasInit) {
    this.now = init.now ?? Date.now
    this.maxTracked = init.maxTracked ?? 10_000
  }

  /** Takes one write of `bytes` from `member`'s quota, or throws QuotaExceededError saying when it would fit. */
  reserve (member: string, bytes: number): Reservation {
    const quota = this.init.quota()
    const now = this.now()
    const bucket = this.refilled(member, quota, now)
    const short = Math.max(
      bucket.writes >= 1 ? 0 : (1 - bucket.writes) / quota.writesPerMinute,
      bucket.bytes >= bytes ? 0 : (bytes - bucket.bytes) / quota.bytesPerMinute
    )
    if (short > 0) {
      const retryAfterMs = Math.ceil(short * MINUTE_MS)
      throw new QuotaExceededError(
        `this member's write quota at this relay (${quota.writesPerMinute} records, ${quota.bytesPerMinute} bytes a minute) is used up: retry in ${Math.ceil(retryAfterMs / 1000)} s`,
        retryAfterMs
      )
    }
    bucket.writes -= 1
    bucket.bytes -= bytes
    let refunded = false
    return {
      refund: () => {
        if (refunded) return
        refunded = true
        const current = this.refilled(member, this.init.quota(), this.now())
        current.writes += 1
        current.bytes += bytes
        this.clamp(current, this.init.quota())
      }
    }
  }

  /** Members with a bucket now (full buckets are forgotten when there are many). */
  get tracked (): number {
    return this.buckets.size
  }

  private refilled (member: string, quota: MemberQuota, now: number): Bucket {
    let bucket = this.buckets.get(member)
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxTracked) this.forgetFull(quota, now)
      bucket = { writes: quota.writesPerMinute, bytes: quota.bytesPerMinute, at: now }
      this.buckets.set(member, bucket)
      return bucket
    }
    const minutes = Math.max(0, now - bucket.at) / MINUTE_MS
    bucket.writes += minutes * quota.writesPerMinute
    bucket.bytes += minutes * quota.bytesPerMinute
    bucket.at = now
    this.clamp(bucket, quota)
    return bucket
  }

  private clamp (bucket: Bucket, quota: MemberQuota): void {
    bucket.writes = Math.min(bucket.writes, quota.writesPerMinute)
    bucket.bytes = Math.min(bucket.bytes, quota.bytesPerMinute)
  }

  /** A full bucket is the same as none: forgetting it loses nothing. */
  private forgetFull (quota: MemberQuota, now: number): void {
    for (const [member, bucket] of this.buckets) {
      const minutes = Math.max(0, now - bucket.at) / MINUTE_MS
      if (bucket.writes + minutes * quota.writesPerMinute >= quota.writesPerMinute &&
        bucket.bytes + minutes * quota.bytesPerMinute >= quota.bytesPerMinute) this.buckets.delete(member)
    }
  }
}
