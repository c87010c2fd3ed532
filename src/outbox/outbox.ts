import { utf8Decode, utf8Encode } from '../encoding/bytes.ts'
import { NetworkError, ReplicationError } from '../errors.ts'
import type { PutOptions, PutResult } from '../peer/types.ts'
import type { ContextDraft } from '../record/context-item.ts'
import type { KVStore } from '../store/types.ts'

/** A write waiting for a relay. */
export interface QueuedWrite {
  readonly id: string
  readonly address: string
  readonly draft: ContextDraft
  readonly as: string
  readonly type?: PutOptions['type']
  readonly queuedAt: number
}

export interface OutboxSend {
  put: (address: string, draft: ContextDraft, options: PutOptions) => Promise<PutResult>
}

const PREFIX = 'outbox/'

/**
 * Writes made while no relay could take them, kept (in IndexedDB in a
 * browser) and sent in order when relays are back. Only a network failure
 * queues a write: a refusal under the policy would be refused again.
 */
export class Outbox {
  private sending: Promise<{ sent: number, failed: Array<{ write: QueuedWrite, error: unknown }> }> | undefined

  constructor (private readonly store: KVStore, private readonly now: () => number = Date.now) {}

  /** Whether a failed write is one to queue: no relay reachable, or none stored it. */
  static shouldQueue (error: unknown): boolean {
    return error instanceof NetworkError || (error instanceof ReplicationError && error.acknowledged === 0)
  }

  async add (address: string, draft: ContextDraft, options: { as: string, type?: PutOptions['type'] }): Promise<QueuedWrite> {
    await this.store.open()
    const at = this.now()
    const write: QueuedWrite = { id: `${String(at).padStart(15, '0')}-${Math.random().toString(36).slice(2, 10)}`, address, draft, as: options.as, ...(options.type === undefined ? {} : { type: options.type }), queuedAt: at }
    await this.store.put(PREFIX + write.id, utf8Encode(JSON.stringify(write)))
    return write
  }

  /** Oldest first. */
  async pending (): Promise<QueuedWrite[]> {
    // Opening is idempotent (KVStore): the outbox opens its store on first use.
    await this.store.open()
    const writes: QueuedWrite[] = []
    for await (const [, bytes] of this.store.list(PREFIX)) writes.push(JSON.parse(utf8Decode(bytes)) as QueuedWrite)
    return writes.sort((a, b) => a.id < b.id ? -1 : 1)
  }

  /**
   * Sends what is queued, oldest first. A network failure stops the round
   * (the rest wait for the next); any other failure drops that write and
   * reports it, since sending it again would fail the same way.
   */
  async send (peer: OutboxSend): Promise<{ sent: number, failed: Array<{ write: QueuedWrite, error: unknown }> }> {
    this.sending ??= (async () => {
      let sent = 0
      const failed: Array<{ write: QueuedWrite, error: unknown }> = []
      for (const write of await this.pending()) {
        try {
          await peer.put(write.address, write.draft, { as: write.as, ...(write.type === undefined ? {} : { type: write.type }) })
        } catch (error) {
          if (Outbox.shouldQueue(error)) break
          failed.push({ write, error })
        }
        await this.store.delete(PREFIX + write.id)
        if (failed.at(-1)?.write !== write) sent++
      }
      return { sent, failed }
    })().finally(() => { this.sending = undefined })
    return await this.sending
  }
}
