import { WebSocket as NodeWebSocket } from 'ws'

/**
 * Loaded first by Node entry points only. libp2p 3 uses Promise.withResolvers,
 * which Node gained in 22, and dials WebSockets through the global WebSocket,
 * which Node has only from 22 on; `ws` implements the same API.
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const promise = new this<T>((res, rej) => { resolve = res; reject = rej })
      return { promise, resolve, reject }
    }
  })
}

/**
 * A WHATWG WebSocket reports errors as events and never throws them; `ws` is
 * an EventEmitter, which throws an 'error' nobody listens to. libp2p stops
 * listening when a dial is aborted, so a refusal that arrived after the abort
 * (a relay that went away) crashed the process with ECONNREFUSED.
 */
export class QuietWebSocket extends NodeWebSocket {
  constructor (...args: ConstructorParameters<typeof NodeWebSocket>) {
    super(...args)
    this.on('error', () => {})
  }
}

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: QuietWebSocket })
}
