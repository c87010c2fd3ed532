import { StorageError, throwIfAborted } from '../errors.ts'

export interface LifecycleHooks {
  open: (signal?: AbortSignal) => Promise<void>
  close: () => Promise<void>
}

/**
 * Idempotent open/close shared by the adapters. Transitions run one at a time, so an
 * open racing a close ends in whichever state was asked for last.
 */
export class Lifecycle {
  readonly #name: string
  readonly #hooks: LifecycleHooks
  #open = false
  #queue: Promise<void> = Promise.resolve()

  constructor (name: string, hooks: LifecycleHooks) {
    this.#name = name
    this.#hooks = hooks
  }

  get isOpen (): boolean {
    return this.#open
  }

  async open (signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal)
    return await this.#enqueue(async () => {
      if (this.#open) return
      await this.#hooks.open(signal)
      this.#open = true
    })
  }

  async close (): Promise<void> {
    return await this.#enqueue(async () => {
      if (!this.#open) return
      // Refuse new calls before the backend goes away, not after.
      this.#open = false
      await this.#hooks.close()
    })
  }

  /** Throws StorageError unless open; call after throwIfAborted, before any work. */
  assertOpen (): void {
    if (!this.#open) {
      throw new StorageError(`${this.#name} store is not open (call open() first, or it was closed)`)
    }
  }

  async #enqueue (transition: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(transition)
    this.#queue = next.catch(() => {})
    return await next
  }
}
