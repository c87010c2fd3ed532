import { QuotaExceededError, StaleRecordError, StorageFullError } from '../errors.ts'
import { decodeEnvelope } from '../record/envelope.ts'
import { certificateMemberId } from '../trust/certificate.ts'
import { MemberQuotas } from './member-quotas.ts'
import type { MemberQuota } from './member-quotas.ts'
import type { StorageGuard } from './storage-guard.ts'

export interface WriteAdmissionInit {
  /** Each member's quota, read on every write (a relay passes memberQuotaOf of its current policy). */
  readonly quota: () => MemberQuota
  /** Refuses writes when the relay's disk is nearly full; none by default. */
  readonly storage?: StorageGuard
  /** Milliseconds, for the quotas; injectable for tests. */
  readonly now?: () => number
  /** Told about each write refused here (quota, free space), before the keeper saw it: the relay's audit log. */
  readonly onRefused?: (refusal: { readonly code: string, readonly record: Uint8Array }) => void
}

/**
 * What a relay checks before it takes a write first-hand (the record
 * protocol's put, the HTTP gateway's PUT), cheapest first: free space, that
 * the bytes are a record at all, then its member's quota; only then does the
 * keeper verify signatures. Relay-to-relay replication does not come through
 * here: a record counts against its author once, where it was first written.
 */
export class WriteAdmission {
  readonly quotas: MemberQuotas
  /** Writes refused here, by error code (ERR_QUOTA_EXCEEDED, ERR_STORAGE_FULL), for metrics. */
  readonly refused: Record<string, number> = {}
  private readonly storage: StorageGuard | undefined
  private readonly onRefused: WriteAdmissionInit['onRefused']

  constructor (init: WriteAdmissionInit) {
    this.quotas = new MemberQuotas({ quota: init.quota, ...(init.now === undefined ? {} : { now: init.now }) })
    this.storage = init.storage
    this.onRefused = init.onRefused
  }

  /**
   * Runs `put` (the keeper's) for `record` if admitted; throws
   * StorageFullError or QuotaExceededError otherwise, before any signature
   * is checked. The quota is given back when
   * the keeper did not take the record (a duplicate, or refused for anything
   * but being older than what it holds: a forged record must not use up the
   * quota of the member it names).
   */
  async admit<T extends { readonly outcome: string }> (record: Uint8Array, put: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.admitted(record, put, signal)
    } catch (error) {
      if (error instanceof QuotaExceededError || error instanceof StorageFullError) {
        this.refused[error.code] = (this.refused[error.code] ?? 0) + 1
        this.onRefused?.({ code: error.code, record })
      }
      throw error
    }
  }

  private async admitted<T extends { readonly outcome: string }> (record: Uint8Array, put: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.storage?.check(record.length, signal)
    let member: string
    try {
      member = certificateMemberId(decodeEnvelope(record).certificate)
    } catch {
      // Not a record: the keeper refuses it with its precise error (size,
      // shape) from the same cheap checks, before any signature work.
      return await put()
    }
    const reservation = this.quotas.reserve(member, record.length)
    try {
      const result = await put()
      if (result.outcome === 'duplicate') reservation.refund()
      return result
    } catch (error) {
      // A stale version was signed by its member and cost a verification: it counts.
      if (!(error instanceof StaleRecordError)) reservation.refund()
      throw error
    }
  }
}
