/**
 * Asked before a relay takes a write: throws StorageFullError when the relay
 * should not store more (its disk is nearly full). Node relays use
 * relay/disk-guard.ts; a relay without one never refuses for space.
 */
export interface StorageGuard {
  /** `bytes`: the size of the write about to be stored. */
  check (bytes: number, signal?: AbortSignal): Promise<void>
}
