/**
 * Two full runs (of seven) died a second into the 5-relay mesh on an uncaught
 * `Error: connect ECONNRESET 127.0.0.1:<port>` thrown from node:net's
 * afterConnect. The message lacks @libp2p/tcp's "connection error" prefix,
 * so no dialer's error handler was attached to that socket any more. It did
 * not happen again in 25 restarts of a mesh, so it cannot be pinned down here;
 * the mesh suite counts such errors and reports them instead of dying, and a
 * relay process (which has no such handler) would exit on one.
 */
export function tolerateConnectResets (): { stop: () => number } {
  let resets = 0
  const handler = (error: Error & { code?: string, syscall?: string }): void => {
    if (error.code === 'ECONNRESET' && error.syscall === 'connect') {
      resets++
      process.stderr.write(`\nmesh: uncaught ${error.message}: counted, the run goes on\n`)
      return
    }
    process.stderr.write(`${error.stack ?? String(error)}\n`)
    process.exit(1)
  }
  process.on('uncaughtException', handler)
  return {
    stop: () => {
      process.off('uncaughtException', handler)
      return resets
    }
  }
}
