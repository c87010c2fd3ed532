import { ClockRuleError } from '../errors.ts'
import type { PutOptions, PutResult, RecordKeeper } from './record-keeper.ts'

/** Takes what the other certified relays hold for a key (ReplicationManager.fetchKey). */
export type FetchHistory = (key: string, signal?: AbortSignal) => Promise<void>

/**
 * A first-hand write, judged again once the key's history is here. A relay
 * that missed a key's history (a partition, a restart, a new relay) refuses
 * an honest clock naming actors it has not seen signed for that key
 * (ERR_CLOCK_RULE); with their signed versions fetched from the other relays
 * it can judge the clock, and the write goes through. A poisoned clock is
 * refused the second time too.
 */
export async function putWithHistory (keeper: Pick<RecordKeeper, 'put'>, key: string, bytes: Uint8Array, options: PutOptions, history: FetchHistory | undefined): Promise<PutResult> {
  try {
    return await keeper.put(key, bytes, options)
  } catch (error) {
    if (!(error instanceof ClockRuleError) || history === undefined) throw error
    await history(key, options.signal)
    return await keeper.put(key, bytes, options)
  }
}
