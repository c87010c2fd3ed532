/** A signal that aborts after `ms`, or with its parent; `clear()` once the work is done. */
export interface Deadline {
  readonly signal: AbortSignal
  /** Stops the timer and lets go of the parent: call it when the work finished first. */
  clear: () => void
}

/**
 * What `AbortSignal.any([parent, AbortSignal.timeout(ms)])` gives, for work
 * that usually finishes long before its deadline. AbortSignal.timeout cannot
 * be cancelled: every request a relay answered in a few milliseconds still
 * fired its timer 30 s later, built a TimeoutError and dispatched an abort
 * event nobody listened to, and AbortSignal.any left a dependent on the
 * channel's long-lived signal each time; under `npm run bench:load` that was
 * a steady 200 timers, exceptions and dependents a second.
 */
export function deadline (ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController()
  if (parent?.aborted === true) {
    controller.abort(parent.reason)
    return { signal: controller.signal, clear: () => {} }
  }
  const onParentAbort = (): void => { finish(parent?.reason) }
  const timer = setTimeout(() => { finish(new DOMException('The operation was aborted due to timeout', 'TimeoutError')) }, ms)
  // A pending deadline must not keep a process alive.
  ;(timer as { unref?: () => void }).unref?.()
  parent?.addEventListener('abort', onParentAbort, { once: true })
  function clear (): void {
    clearTimeout(timer)
    parent?.removeEventListener('abort', onParentAbort)
  }
  function finish (reason: unknown): void {
    clear()
    controller.abort(reason)
  }
  return { signal: controller.signal, clear }
}
