/**
 * The part of a Node-style socket (node:net, and Bun's and Deno's
 * compatible ones) that write batching needs.
 */
interface CorkableSocket {
  write: (...args: any[]) => boolean
  cork: () => void
  uncork: () => void
}

const BATCHED = Symbol('slurp.batchedWrites')

/**
 * Makes a socket gather what is written to it in one turn of the microtask
 * queue into a single writev(2). Noise writes each frame as two or three
 * chunks (its length, the ciphertext, the tag) and yamux sends a frame per
 * header, data and window update, so one answer was half a dozen write
 * syscalls: 18 % of a relay's CPU under `npm run bench:load`. Corking until
 * the current job's microtasks have run keeps the order of every byte and
 * adds no wait for the event loop. Returns false, changing nothing, for a
 * connection without such a socket (browsers, WebSockets, WebRTC).
 */
export function batchSocketWrites (socket: unknown): boolean {
  if (!isCorkable(socket)) return false
  const target = socket as CorkableSocket & { [BATCHED]?: true }
  if (target[BATCHED] === true) return true
  target[BATCHED] = true
  const write = target.write
  let corked = false
  target.write = function batchedWrite (...args: any[]): boolean {
    if (!corked) {
      corked = true
      target.cork()
      queueMicrotask(() => {
        corked = false
        target.uncork()
      })
    }
    return write.apply(target, args)
  }
  return true
}

function isCorkable (socket: unknown): socket is CorkableSocket {
  if (typeof socket !== 'object' || socket === null) return false
  const candidate = socket as Partial<CorkableSocket>
  return typeof candidate.write === 'function' && typeof candidate.cork === 'function' && typeof candidate.uncork === 'function'
}

/** The raw socket under a libp2p connection, where its transport has one (TCP does). */
export function socketOf (connection: unknown): unknown {
  return (connection as { maConn?: { socket?: unknown } } | undefined)?.maConn?.socket
}
